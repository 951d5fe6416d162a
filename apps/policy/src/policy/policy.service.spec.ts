import type {
  CheckRequest,
  PolicyEntityState,
  PolicyPrincipal,
  PolicyRoleState,
  PolicyStateRequest,
  PolicyStateResponse,
  PolicyUserState,
  ProjectSettings,
} from '@gatehouse/contracts';
import { createLogger, RemoteError, RpcError } from '@gatehouse/platform';
import { ReadModel } from '../read-model/read-model';
import type { StateSource } from '../read-model/state';
import { PolicyService } from './policy.service';
import { CheckRequestSchema } from '@gatehouse/contracts';
import { canonicalCheck } from './requests';

/** What the NATS server and the controller make of a question: the contract's parse, then canonical ids. */
const parseCheck = (value: unknown): CheckRequest => canonicalCheck(CheckRequestSchema.parse(value));

/** The value, or a test failure when there is none. */
const must = <T>(v: T | undefined | null): T => {
  if (v === undefined || v === null) throw new Error('missing test fixture');
  return v;
};

const P = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';
const E = '00000000-0000-4000-8000-0000000000e1';
const E2 = '00000000-0000-4000-8000-0000000000e2';
const U = '00000000-0000-4000-8000-0000000000a1';
const U2 = '00000000-0000-4000-8000-0000000000a2';
const OWN = '00000000-0000-4000-8000-0000000000b1';
const DEF = '00000000-0000-4000-8000-0000000000b2';

type Perm = 'allowed' | 'allowed_for_own' | 'not_allowed';
const perms = (read: Perm, create: Perm = 'not_allowed') => ({
  objects: [
    {
      object_type: 'payable',
      actions: [
        { action_name: 'read', permission: read },
        { action_name: 'create', permission: create },
      ],
    },
  ],
});

/** identity and auth, in memory: one project, its entities, users and roles. */
class World implements StateSource {
  entities = new Map<string, PolicyEntityState>();
  users = new Map<string, PolicyUserState>();
  roles = new Map<string, PolicyRoleState>();
  settings = new Map<string, ProjectSettings>();
  identityDown = false;
  authDown = false;
  stateCalls: PolicyStateRequest[] = [];
  settingsCalls = 0;

  constructor() {
    this.entities.set(E, { id: E, project_id: P, status: 'active', default_role_id: null, settings_version: 1, version: 1 });
    this.entities.set(E2, { id: E2, project_id: P2, status: 'active', default_role_id: null, settings_version: 1, version: 1 });
    this.users.set(U, { id: U, entity_id: E, status: 'active', role_id: null, created_by_entity_user_id: null, version: 1 });
    this.settings.set(P, { access_token_ttl: 1800, default_role: null });
  }

  role(id: string, permissions: object, status: 'active' | 'deleted' = 'active'): void {
    this.roles.set(id, { id, entity_id: E, name: `name-${id.slice(-2)}`, status, permissions: permissions as { objects: unknown[] }, version: 1 });
  }

  async policyState(req: PolicyStateRequest): Promise<PolicyStateResponse> {
    this.stateCalls.push(req);
    if (this.identityDown) throw new RemoteError({ code: 'unavailable', message: 'Service temporarily unavailable' });
    const entity = this.entities.get(req.entity_id);
    if (!entity || entity.project_id !== req.project_id) return { entity: null, user: null, roles: [] };
    const u = req.entity_user_id ? this.users.get(req.entity_user_id) : undefined;
    const user = u && u.entity_id === entity.id ? u : null;
    const roles = [user?.role_id, entity.default_role_id].flatMap((id) => (id && this.roles.has(id) ? [must(this.roles.get(id))] : []));
    return structuredClone({ entity, user, roles });
  }

  async projectSettings(projectId: string): Promise<ProjectSettings | null> {
    this.settingsCalls++;
    if (this.authDown) throw new RemoteError({ code: 'unavailable', message: 'Service temporarily unavailable' });
    return structuredClone(this.settings.get(projectId) ?? null);
  }
}

const user: PolicyPrincipal = { kind: 'entity_user', project_id: P, entity_id: E, entity_user_id: U };
const partner: PolicyPrincipal = { kind: 'partner', project_id: P };
const ask = (over: Partial<CheckRequest> = {}): CheckRequest =>
  parseCheck({ principal: user, entity_id: E, object_type: 'payable', action: 'read', ...over });

describe('PolicyService (decisions from an in-memory identity and auth)', () => {
  let world: World;
  let policy: PolicyService;
  beforeEach(() => {
    world = new World();
    policy = new PolicyService(new ReadModel(world, { maxEntries: 1000, ttlMs: 0 }), createLogger('test', 'silent'));
  });
  const setUser = (over: Partial<PolicyUserState>) => world.users.set(U, { ...must(world.users.get(U)), ...over });
  const setEntity = (over: Partial<PolicyEntityState>) => world.entities.set(E, { ...must(world.entities.get(E)), ...over });
  const setProjectDefault = (permissions: object | null) =>
    world.settings.set(P, { access_token_ttl: 1800, default_role: permissions && { name: 'project default', permissions } });

  describe('partner', () => {
    it('is root in its project, without asking anyone when no entity is named', async () => {
      await expect(policy.check(parseCheck({ principal: partner, entity_id: null, object_type: 'entity', action: 'read', partner_only: true }))).resolves.toEqual({
        allowed: true,
        scope: 'all',
        reason: 'partner_root',
      });
      expect(world.stateCalls).toHaveLength(0);
    });

    it('is root on the entities of its project, partner-only operations included', async () => {
      await expect(policy.check(ask({ principal: partner, partner_only: true }))).resolves.toMatchObject({ allowed: true, reason: 'partner_root' });
    });

    it('is refused on an entity of another project, or one that does not exist', async () => {
      await expect(policy.check(ask({ principal: partner, entity_id: E2 }))).resolves.toEqual({ allowed: false, scope: null, reason: 'entity_not_found' });
      await expect(policy.check(ask({ principal: partner, entity_id: '00000000-0000-4000-8000-0000000000ff' }))).resolves.toMatchObject({
        allowed: false,
        reason: 'entity_not_found',
      });
      await expect(policy.check(ask({ principal: partner, entity_id: 'not-a-uuid' }))).resolves.toMatchObject({ allowed: false, reason: 'entity_not_found' });
    });

    it('has no effective role', async () => {
      await expect(policy.effectiveRole(partner)).rejects.toMatchObject({ code: 'forbidden' });
    });
  });

  describe('entity user: the role that decides', () => {
    it('own role > entity default > project default > none', async () => {
      world.role(OWN, perms('allowed'));
      world.role(DEF, perms('allowed_for_own'));
      setUser({ role_id: OWN });
      setEntity({ default_role_id: DEF });
      setProjectDefault(perms('not_allowed'));
      await expect(policy.check(ask())).resolves.toEqual({ allowed: true, scope: 'all', reason: `role:${OWN}:allowed` });
      expect(world.settingsCalls).toBe(0); // the project default is not needed, not asked for

      const fresh = () => new PolicyService(new ReadModel(world, { maxEntries: 1000, ttlMs: 0 }), createLogger('test', 'silent'));
      setUser({ role_id: null });
      await expect(fresh().check(ask())).resolves.toEqual({ allowed: true, scope: 'own', reason: `entity_default_role:${DEF}:allowed_for_own` });
      setEntity({ default_role_id: null });
      await expect(fresh().check(ask())).resolves.toEqual({ allowed: false, scope: null, reason: 'project_default_role:not_allowed' });
      setProjectDefault(null);
      await expect(fresh().check(ask())).resolves.toEqual({ allowed: false, scope: null, reason: 'no_role' });
    });

    it('answers the escalation ceiling with an allowed write when asked: the role that decided, and the project default', async () => {
      world.role(OWN, perms('allowed', 'allowed'));
      setUser({ role_id: OWN });
      setProjectDefault(perms('allowed_for_own'));
      await expect(policy.check(ask({ action: 'create', with_ceiling: true }))).resolves.toEqual({
        allowed: true,
        scope: 'all',
        reason: `role:${OWN}:allowed`,
        ceiling: { permissions: perms('allowed', 'allowed'), project_default: perms('allowed_for_own') },
      });
      // Not asked, not given; denied, not given.
      await expect(policy.check(ask({ action: 'create' }))).resolves.not.toHaveProperty('ceiling');
      await expect(policy.check(ask({ action: 'update', with_ceiling: true }))).resolves.toEqual({ allowed: false, scope: null, reason: 'not_allowed_by_default' });
      // A user on the project default: the ceiling is that role, and without one, nothing.
      setUser({ role_id: null });
      const fresh = () => new PolicyService(new ReadModel(world, { maxEntries: 1000, ttlMs: 0 }), createLogger('test', 'silent'));
      await expect(fresh().check(ask({ with_ceiling: true }))).resolves.toMatchObject({
        ceiling: { permissions: perms('allowed_for_own'), project_default: perms('allowed_for_own') },
      });
      setProjectDefault(null);
      await expect(fresh().check(ask({ with_ceiling: true }))).resolves.toEqual({ allowed: false, scope: null, reason: 'no_role' });
    });

    it('never answers a ceiling to a partner (root in its project)', async () => {
      await expect(policy.check(ask({ principal: partner, with_ceiling: true }))).resolves.toEqual({ allowed: true, scope: 'all', reason: 'partner_root' });
    });

    it('a deleted role counts as none: falls through to the defaults', async () => {
      world.role(OWN, perms('allowed'), 'deleted');
      world.role(DEF, perms('allowed'), 'deleted');
      setUser({ role_id: OWN });
      setEntity({ default_role_id: DEF });
      setProjectDefault(perms('allowed_for_own'));
      await expect(policy.check(ask())).resolves.toEqual({ allowed: true, scope: 'own', reason: 'project_default_role:allowed_for_own' });
      await expect(policy.effectiveRole(user)).resolves.toEqual({
        source: 'project_default',
        role_id: null,
        name: 'project default',
        permissions: perms('allowed_for_own'),
        active: true,
      });
    });

    it('a role of another entity counts as none', async () => {
      world.role(OWN, perms('allowed'));
      must(world.roles.get(OWN)).entity_id = E2;
      setUser({ role_id: OWN });
      await expect(policy.check(ask())).resolves.toMatchObject({ allowed: false, reason: 'no_role' });
    });

    it('effective_role names the role, its source and its stored permissions', async () => {
      world.role(OWN, perms('allowed', 'allowed_for_own'));
      setUser({ role_id: OWN });
      await expect(policy.effectiveRole(user)).resolves.toEqual({
        source: 'role',
        role_id: OWN,
        name: `name-${OWN.slice(-2)}`,
        permissions: perms('allowed', 'allowed_for_own'),
        active: true,
      });
      const none = new PolicyService(new ReadModel(new World(), { maxEntries: 10, ttlMs: 0 }), createLogger('test', 'silent'));
      await expect(none.effectiveRole(user)).resolves.toEqual({ source: 'none', role_id: null, name: null, permissions: { objects: [] }, active: true });
    });
  });

  describe('entity user: permission values', () => {
    beforeEach(() => {
      world.role(OWN, perms('allowed_for_own', 'allowed'));
      setUser({ role_id: OWN });
    });

    it('allowed → scope all; not listed → not_allowed_by_default; explicit not_allowed → denied by the role', async () => {
      await expect(policy.check(ask({ action: 'create' }))).resolves.toEqual({ allowed: true, scope: 'all', reason: `role:${OWN}:allowed` });
      await expect(policy.check(ask({ action: 'delete' }))).resolves.toEqual({ allowed: false, scope: null, reason: 'not_allowed_by_default' });
      world.role(DEF, perms('not_allowed'));
      setUser({ role_id: DEF });
      const p = new PolicyService(new ReadModel(world, { maxEntries: 10, ttlMs: 0 }), createLogger('test', 'silent'));
      await expect(p.check(ask())).resolves.toEqual({ allowed: false, scope: null, reason: `role:${DEF}:not_allowed` });
    });

    it('allowed_for_own: own scope without a resource, allowed on own resources, refused on others and unknown creators', async () => {
      await expect(policy.check(ask())).resolves.toEqual({ allowed: true, scope: 'own', reason: `role:${OWN}:allowed_for_own` });
      await expect(policy.check(ask({ resource_created_by: U.toUpperCase() }))).resolves.toMatchObject({ allowed: true, scope: 'own' });
      await expect(policy.check(ask({ resource_created_by: U2 }))).resolves.toEqual({
        allowed: false,
        scope: null,
        reason: `role:${OWN}:allowed_for_own:not_owner`,
      });
      await expect(policy.check(ask({ resource_created_by: null }))).resolves.toMatchObject({ allowed: false });
    });

    it('refuses other entities, other projects, partner-only operations and unknown actions', async () => {
      await expect(policy.check(ask({ entity_id: E2 }))).resolves.toMatchObject({ allowed: false, reason: 'other_entity' });
      await expect(policy.check(ask({ partner_only: true }))).resolves.toMatchObject({ allowed: false, reason: 'partner_only' });
      await expect(policy.check(ask({ principal: { ...user, project_id: P2 } }))).resolves.toMatchObject({ allowed: false });
      const calls = world.stateCalls.length;
      await expect(policy.check(ask({ action: 'fly' }))).resolves.toMatchObject({ allowed: false, reason: 'unknown_action' });
      expect(world.stateCalls).toHaveLength(calls);
    });

    it('entity_id absent means the principal’s own entity', async () => {
      await expect(policy.check(ask({ entity_id: null }))).resolves.toMatchObject({ allowed: true, scope: 'own' });
    });
  });

  describe('entity user: inactive', () => {
    beforeEach(() => {
      world.role(OWN, perms('allowed'));
      setUser({ role_id: OWN });
    });

    it('a deleted user is refused', async () => {
      setUser({ status: 'deleted' });
      await expect(policy.check(ask())).resolves.toEqual({ allowed: false, scope: null, reason: 'user_inactive' });
      await expect(policy.effectiveRole(user)).resolves.toMatchObject({ source: 'role', active: false });
    });

    it('an unknown user, or a user of another entity, is refused', async () => {
      await expect(policy.check(ask({ principal: { ...user, entity_user_id: U2 } }))).resolves.toMatchObject({ allowed: false, reason: 'user_inactive' });
      world.users.set(U2, { ...must(world.users.get(U)), id: U2, entity_id: E2 });
      await expect(policy.check(ask({ principal: { ...user, entity_user_id: U2 } }))).resolves.toMatchObject({ allowed: false, reason: 'user_inactive' });
      await expect(policy.check(ask({ principal: { ...user, entity_user_id: 'nope' } }))).resolves.toMatchObject({ allowed: false });
    });

    it('a user of a deactivated entity is refused', async () => {
      setEntity({ status: 'inactive' });
      await expect(policy.check(ask())).resolves.toEqual({ allowed: false, scope: null, reason: 'entity_inactive' });
      expect(world.settingsCalls).toBe(0);
    });
  });

  describe('fails closed', () => {
    it('identity down → unavailable, never a decision', async () => {
      world.identityDown = true;
      const err = await policy.check(ask()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcError);
      expect((err as RpcError).body).toEqual({ code: 'unavailable', message: 'Policy state unavailable' });
      await expect(policy.check(ask({ principal: partner }))).rejects.toMatchObject({ code: 'unavailable' });
      await expect(policy.effectiveRole(user)).rejects.toMatchObject({ code: 'unavailable' });
    });

    it('auth down (project default needed) → unavailable', async () => {
      world.authDown = true;
      await expect(policy.check(ask())).rejects.toMatchObject({ code: 'unavailable' });
    });

    it('one undecidable question fails the whole batch', async () => {
      world.authDown = true;
      world.role(OWN, perms('allowed'));
      await expect(policy.checkBatch([ask({ principal: partner, entity_id: null }), ask()])).rejects.toMatchObject({ code: 'unavailable' });
    });
  });

  it('check_batch answers in order and fetches each distinct subject once', async () => {
    world.role(OWN, perms('allowed'));
    setUser({ role_id: OWN });
    world.users.set(U2, { ...must(world.users.get(U)), id: U2, role_id: null });
    const u2: PolicyPrincipal = { ...user, entity_user_id: U2 };
    const results = await policy.checkBatch([
      ask(),
      ask({ action: 'create' }),
      ask({ principal: u2 }),
      ask({ principal: partner }),
      ask({ action: 'update' }),
      ask({ principal: u2, action: 'create' }),
    ]);
    expect(results.map((r) => r.allowed)).toEqual([true, false, false, true, false, false]);
    expect(results[2].reason).toBe('no_role');
    const subjects = world.stateCalls.map((c) => `${c.entity_id}|${c.entity_user_id}`).sort();
    expect(subjects).toEqual([`${E}|${U}`, `${E}|${U2}`, `${E}|null`].sort());
    expect(world.settingsCalls).toBe(1);
  });
});
