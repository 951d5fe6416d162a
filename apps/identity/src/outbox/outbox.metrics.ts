import { counter, gauge, metricsEnabled } from '@gatehouse/platform';

const published = counter('gatehouse_outbox_published_total', 'Outbox events relayed to JetStream.');

export function recordPublished(n: number): void {
  if (metricsEnabled()) published.inc(n);
}

type Backlog = () => Promise<{ count: number; oldestAgeSeconds: number }>;
let readBacklog: Backlog | undefined;
let last: { count: number; oldestAgeSeconds: number } | undefined;

/** One query per scrape, shared by both gauges (the first collected reads it, the second reuses it). */
let pending: Promise<void> | undefined;
function refresh(): Promise<void> {
  pending ??= (readBacklog ?? (() => Promise.resolve(undefined)))()
    .then((b) => void (last = b ?? last))
    .catch(() => undefined)
    .finally(() => setImmediate(() => (pending = undefined)));
  return pending;
}

gauge('gatehouse_outbox_backlog', 'Outbox events not yet relayed to JetStream.', [], async function () {
  await refresh();
  if (last) this.set(last.count);
});
gauge('gatehouse_outbox_oldest_age_seconds', 'Age of the oldest outbox event not yet relayed (0 when none).', [], async function () {
  await refresh();
  if (last) this.set(last.oldestAgeSeconds);
});

/** Where the backlog is read at each scrape (the outbox table). */
export function watchOutbox(read: Backlog): void {
  readBacklog = read;
}
