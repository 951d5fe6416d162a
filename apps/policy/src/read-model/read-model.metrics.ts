import { counter, gauge, metricsEnabled } from '@gatehouse/platform';

export type LookupKind = 'entity' | 'subject' | 'project_default';

const lookups = counter('gatehouse_policy_read_model_lookups_total', "Read-model lookups by kind and result (hit: from the cache; miss: asked identity or auth).", ['kind', 'result']);

export function recordLookup(kind: LookupKind, hit: boolean): void {
  if (metricsEnabled()) lookups.inc({ kind, result: hit ? 'hit' : 'miss' });
}

type Sizes = Record<'entities' | 'users' | 'roles' | 'projectDefaults', number>;
let sizeOf: (() => Sizes) | undefined;

gauge('gatehouse_policy_read_model_entries', 'Records held in the read model, by kind.', ['kind'], function () {
  const s = sizeOf?.();
  if (!s) return;
  this.set({ kind: 'entity' }, s.entities);
  this.set({ kind: 'user' }, s.users);
  this.set({ kind: 'role' }, s.roles);
  this.set({ kind: 'project_default' }, s.projectDefaults);
});

/** The read model whose size is reported (read at each scrape). */
export function watchReadModelSize(read: () => Sizes): void {
  sizeOf = read;
}
