import type {
  InvalidatedEvent,
  PolicyEntityState,
  PolicyRoleState,
  PolicyStateRequest,
  PolicyStateResponse,
  PolicyUserState,
  ProjectSettings,
} from '@gatehouse/contracts';
import { ReadModel } from './read-model';
import type { StateSource } from './state';

const P = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';
const E = '00000000-0000-4000-8000-0000000000e1';
const U = '00000000-0000-4000-8000-0000000000a1';
const R = '00000000-0000-4000-8000-0000000000b1';
const D = '00000000-0000-4000-8000-0000000000b2';

const entity = (over: Partial<PolicyEntityState> = {}): PolicyEntityState => ({
  id: E,
  project_id: P,
  status: 'active',
  default_role_id: D,
  settings_version: 1,
  version: 1,
  ...over,
});
const user = (over: Partial<PolicyUserState> = {}): PolicyUserState => ({
  id: U,
  entity_id: E,
  status: 'active',
  role_id: R,
  created_by_entity_user_id: null,
  version: 1,
  ...over,
});
const role = (id: string, over: Partial<PolicyRoleState> = {}): PolicyRoleState => ({
  id,
  entity_id: E,
  name: `role ${id.slice(-2)}`,
  status: 'active',
  permissions: { objects: [{ object_type: 'payable', actions: [{ action_name: 'read', permission: 'allowed' }] }] },
  version: 1,
  ...over,
});

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/**
 * An in-memory identity + auth. By default it answers at once from `state`;
 * with `hold = true` each request waits until the test releases it, so the
 * test can interleave invalidations with fetches in flight.
 */
class FakeSource implements StateSource {
  state: PolicyStateResponse = { entity: entity(), user: user(), roles: [role(R), role(D)] };
  settings: ProjectSettings | null = { access_token_ttl: 1800, default_role: null };
  hold = false;
  readonly held: Array<{ req: PolicyStateRequest; answer: Deferred<PolicyStateResponse> }> = [];
  readonly heldSettings: Array<Deferred<ProjectSettings | null>> = [];
  calls: PolicyStateRequest[] = [];
  settingsCalls = 0;

  policyState(req: PolicyStateRequest): Promise<PolicyStateResponse> {
    this.calls.push(req);
    if (this.hold) {
      const answer = deferred<PolicyStateResponse>();
      this.held.push({ req, answer });
      return answer.promise;
    }
    return Promise.resolve(structuredClone(this.state));
  }

  projectSettings(): Promise<ProjectSettings | null> {
    this.settingsCalls++;
    if (this.hold) {
      const answer = deferred<ProjectSettings | null>();
      this.heldSettings.push(answer);
      return answer.promise;
    }
    return Promise.resolve(structuredClone(this.settings));
  }
}

const inv = (kind: InvalidatedEvent['kind'], id: string, version: number): InvalidatedEvent => ({
  kind,
  id,
  entity_id: E,
  project_id: P,
  version,
});

describe('ReadModel', () => {
  let source: FakeSource;
  let model: ReadModel;
  beforeEach(() => {
    source = new FakeSource();
    model = new ReadModel(source, { maxEntries: 1000, ttlMs: 0 });
  });

  it('asks identity once on a miss, in one request, then answers from the cache', async () => {
    const first = await model.subject(P, E, U);
    expect(source.calls).toEqual([{ project_id: P, entity_id: E, entity_user_id: U }]);
    expect(first.entity?.id).toBe(E);
    expect(first.user?.role_id).toBe(R);
    expect([...first.roles.keys()].sort()).toEqual([R, D].sort());
    const again = await model.subject(P, E, U);
    expect(source.calls).toHaveLength(1);
    expect(again.user).toEqual(first.user);
    expect(again.roles.get(R)?.state.version).toBe(1);
    // The partner path (entity only) is served from the same entry.
    await expect(model.entity(P, E)).resolves.toMatchObject({ id: E });
    expect(source.calls).toHaveLength(1);
  });

  it('keys ids case-insensitively', async () => {
    await model.subject(P.toUpperCase(), E.toUpperCase(), U.toUpperCase());
    await model.subject(P, E, U);
    expect(source.calls).toHaveLength(1);
    expect(source.calls[0]).toEqual({ project_id: P, entity_id: E, entity_user_id: U });
  });

  it('coalesces concurrent misses for the same key into one request', async () => {
    source.hold = true;
    const asks = [model.subject(P, E, U), model.subject(P, E, U), model.subject(P, E, U)];
    expect(source.calls).toHaveLength(1);
    source.held[0].answer.resolve(structuredClone(source.state));
    const answers = await Promise.all(asks);
    expect(answers.every((a) => a.user?.id === U)).toBe(true);
    expect(model.stats.stateFetches).toBe(1);
  });

  it('does not store a fetch that an invalidation overtook (older version than announced)', async () => {
    source.hold = true;
    const ask = model.subject(P, E, U);
    // The user's role changes while identity's (old) answer is on its way.
    model.invalidate(inv('entity_user', U, 2));
    source.held[0].answer.resolve({ entity: entity(), user: user({ version: 1, role_id: R }), roles: [role(R), role(D)] });
    await ask; // the question asked before the change may see the old state...
    // ...but the next one must not: nothing stale was stored.
    source.hold = false;
    source.state = { entity: entity(), user: user({ version: 2, role_id: D }), roles: [role(D)] };
    const next = await model.subject(P, E, U);
    expect(source.calls).toHaveLength(2);
    expect(next.user).toMatchObject({ version: 2, role_id: D });
    expect(model.stats.staleDropped).toBeGreaterThan(0);
  });

  it('stores a fetch overtaken by an invalidation when it already has the announced version', async () => {
    source.hold = true;
    const ask = model.subject(P, E, U);
    model.invalidate(inv('entity_user', U, 2));
    source.held[0].answer.resolve({ entity: entity(), user: user({ version: 2 }), roles: [role(R), role(D)] });
    await ask;
    source.hold = false;
    await model.subject(P, E, U);
    expect(source.calls).toHaveLength(1);
  });

  it('never joins a question asked after an invalidation to a fetch started before it', async () => {
    source.hold = true;
    const before = model.subject(P, E, U);
    model.invalidate(inv('role', R, 2));
    const after = model.subject(P, E, U);
    expect(source.calls).toHaveLength(2);
    // The newer fetch answers first, the older one last: the newer state stays.
    source.held[1].answer.resolve({ entity: entity(), user: user(), roles: [role(R, { version: 2, name: 'new' }), role(D)] });
    expect((await after).roles.get(R)?.state.name).toBe('new');
    source.held[0].answer.resolve({ entity: entity(), user: user(), roles: [role(R, { version: 1, name: 'old' }), role(D)] });
    expect((await before).roles.get(R)?.state.name).toBe('old');
    const cached = await model.subject(P, E, U);
    expect(source.calls).toHaveLength(2);
    expect(cached.roles.get(R)?.state.name).toBe('new');
  });

  it('never replaces a cached entry by an older version', async () => {
    await model.subject(P, E, U); // user v1, roles v1
    // A newer user is cached...
    model.invalidate(inv('entity_user', U, 3));
    source.state = { entity: entity(), user: user({ version: 3 }), roles: [role(R), role(D)] };
    await model.subject(P, E, U);
    // ...then the role is invalidated and a (lagging) answer carries the user at v2.
    model.invalidate(inv('role', R, 2));
    source.state = { entity: entity(), user: user({ version: 2, role_id: null }), roles: [role(R, { version: 2 }), role(D)] };
    const s = await model.subject(P, E, U);
    expect(s.user?.version).toBe(2); // this answer is what identity said...
    const cached = await model.subject(P, E, U);
    expect(cached.user).toMatchObject({ version: 3, role_id: R }); // ...but the cache kept v3
    expect(cached.roles.get(R)?.state.version).toBe(2);
  });

  it('refuses an answer older than an invalidation heard before the fetch started', async () => {
    model.invalidate(inv('entity', E, 5));
    source.state = { entity: entity({ version: 4 }), user: user(), roles: [role(R), role(D)] };
    await model.subject(P, E, U);
    await model.subject(P, E, U);
    expect(source.calls).toHaveLength(2); // the entity at v4 was never stored
    source.state = { entity: entity({ version: 5 }), user: user(), roles: [role(R), role(D)] };
    await model.subject(P, E, U);
    await model.subject(P, E, U);
    expect(source.calls).toHaveLength(3);
  });

  it('guards the entity settings (default role) by their own version', async () => {
    await model.subject(P, E, U);
    source.hold = true;
    model.invalidate({ kind: 'entity_settings', id: E, entity_id: E, project_id: P, version: 2 });
    const ask = model.subject(P, E, U);
    source.held[0].answer.resolve({ entity: entity({ settings_version: 1 }), user: user(), roles: [role(R), role(D)] });
    await ask;
    expect(model.size.entities).toBe(0);
  });

  it('a late, older invalidation does not lower the bar', async () => {
    model.invalidate(inv('entity_user', U, 5));
    model.invalidate(inv('entity_user', U, 3));
    source.state = { entity: entity(), user: user({ version: 4 }), roles: [role(R), role(D)] };
    await model.subject(P, E, U);
    expect(model.size.users).toBe(0);
  });

  it('clear() (NATS reconnect) drops everything, and what was in flight is not stored', async () => {
    await model.subject(P, E, U);
    await model.projectDefaultRole(P);
    expect(model.size).toEqual({ entities: 1, users: 1, roles: 2, projectDefaults: 1 });
    source.hold = true;
    model.invalidate(inv('entity_user', U, 2));
    const inflight = model.subject(P, E, U);
    model.clear();
    expect(model.size).toEqual({ entities: 0, users: 0, roles: 0, projectDefaults: 0 });
    source.held[0].answer.resolve({ entity: entity(), user: user({ version: 2 }), roles: [role(R), role(D)] });
    await inflight;
    expect(model.size).toEqual({ entities: 0, users: 0, roles: 0, projectDefaults: 0 });
    // A question after the clear starts afresh.
    const after = model.subject(P, E, U);
    expect(source.calls).toHaveLength(3);
    source.held[1].answer.resolve({ entity: entity(), user: user({ version: 2 }), roles: [role(R), role(D)] });
    await after;
    expect(model.size.users).toBe(1);
  });

  it('drops only what an invalidation names', async () => {
    await model.subject(P, E, U);
    model.invalidate(inv('role', D, 2));
    expect(model.size).toEqual({ entities: 1, users: 1, roles: 1, projectDefaults: 0 });
    // The user's own role applies, so the entity default is not needed: still a hit.
    await model.subject(P, E, U);
    expect(source.calls).toHaveLength(1);
    model.invalidate(inv('role', R, 2));
    await model.subject(P, E, U);
    expect(source.calls).toHaveLength(2);
  });

  it('fetches the entity default role when the own role is deleted and the default is not cached', async () => {
    source.state = { entity: entity(), user: user(), roles: [role(R, { status: 'deleted' }), role(D)] };
    await model.subject(P, E, U);
    model.invalidate(inv('role', D, 2));
    await model.subject(P, E, U);
    expect(source.calls).toHaveLength(2);
  });

  it('answers "not in this project" for an entity of another project, cached or not', async () => {
    await expect(model.entity(P2, E)).resolves.toBeNull(); // identity answers with the entity anyway: refused here
    await model.entity(P, E);
    await expect(model.entity(P2, E)).resolves.toBeNull();
    await expect(model.subject(P2, E, U)).resolves.toMatchObject({ entity: null, user: null });
  });

  it('treats a user of another entity as no user', async () => {
    source.state = { entity: entity(), user: user({ entity_id: P2 }), roles: [] };
    await expect(model.subject(P, E, U)).resolves.toMatchObject({ user: null });
  });

  it('forgets everything on an invalidation it cannot read', async () => {
    await model.subject(P, E, U);
    model.invalidate({ kind: 'nonsense' } as unknown as InvalidatedEvent);
    expect(model.size).toEqual({ entities: 0, users: 0, roles: 0, projectDefaults: 0 });
    await model.subject(P, E, U);
    model.invalidate({ kind: 'role', entity_id: E } as unknown as InvalidatedEvent); // which role?
    expect(model.size).toEqual({ entities: 0, users: 0, roles: 0, projectDefaults: 0 });
  });

  it('refuses to store fetches older than an evicted tombstone (bounded memory, still never stale)', async () => {
    const small = new ReadModel(source, { maxEntries: 2, ttlMs: 0 });
    source.hold = true;
    const ask = small.subject(P, E, U);
    small.invalidate(inv('entity_user', '00000000-0000-4000-8000-000000000f01', 1));
    small.invalidate(inv('entity_user', '00000000-0000-4000-8000-000000000f02', 1));
    small.invalidate(inv('entity_user', '00000000-0000-4000-8000-000000000f03', 1)); // evicts the first tombstone
    source.held[0].answer.resolve(structuredClone(source.state));
    await ask;
    expect(small.size.users).toBe(0);
  });

  it('expires entries after the safety-net TTL', async () => {
    const ttl = new ReadModel(source, { maxEntries: 10, ttlMs: 40 });
    await ttl.subject(P, E, U);
    await ttl.subject(P, E, U);
    expect(source.calls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 80));
    await ttl.subject(P, E, U);
    expect(source.calls).toHaveLength(2);
  });

  it('fails when identity fails, and a later question asks again', async () => {
    source.hold = true;
    const ask = model.subject(P, E, U);
    source.held[0].answer.reject(new Error('timeout'));
    await expect(ask).rejects.toThrow('timeout');
    source.hold = false;
    await expect(model.subject(P, E, U)).resolves.toMatchObject({ user: { id: U } });
  });

  describe('project default role', () => {
    const defaultRole = { name: 'viewer', permissions: { objects: [{ object_type: 'payable', actions: [{ action_name: 'read', permission: 'allowed' }] }] } };

    it('reads it from project settings, caches it (also when none), and coalesces misses', async () => {
      source.settings = { access_token_ttl: 1800, default_role: defaultRole };
      source.hold = true;
      const asks = [model.projectDefaultRole(P), model.projectDefaultRole(P)];
      expect(source.settingsCalls).toBe(1);
      source.heldSettings[0].resolve(structuredClone(source.settings));
      const [a, b] = await Promise.all(asks);
      expect(a).toMatchObject({ name: 'viewer', permissions: defaultRole.permissions });
      expect(b).toBe(a);
      source.hold = false;
      await model.projectDefaultRole(P);
      expect(source.settingsCalls).toBe(1);
      source.settings = null; // no such project
      await expect(model.projectDefaultRole(P2)).resolves.toBeNull();
      await expect(model.projectDefaultRole(P2)).resolves.toBeNull();
      expect(source.settingsCalls).toBe(2);
    });

    it('settings.updated drops it, and a fetch it overtook is not stored', async () => {
      source.settings = { access_token_ttl: 1800, default_role: defaultRole };
      await model.projectDefaultRole(P);
      source.hold = true;
      model.invalidateProject(P);
      const ask = model.projectDefaultRole(P);
      model.invalidateProject(P);
      source.heldSettings[0].resolve({ access_token_ttl: 1800, default_role: defaultRole });
      await ask;
      expect(model.size.projectDefaults).toBe(0);
      const after = model.projectDefaultRole(P);
      expect(source.settingsCalls).toBe(3);
      source.heldSettings[1].resolve({ access_token_ttl: 1800, default_role: null });
      await expect(after).resolves.toBeNull();
      expect(model.size.projectDefaults).toBe(1);
    });
  });
});
