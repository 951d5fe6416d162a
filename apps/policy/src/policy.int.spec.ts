import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, Msg, NatsConnection } from 'nats';
import {
  AuthEvents,
  AuthSubjects,
  CheckBatchResponse,
  CheckRequest,
  CheckResponse,
  EffectiveRoleResponse,
  IDENTITY_INVALIDATED,
  IdentitySubjects,
  InvalidatedEvent,
  POLICY_QUEUE,
  PolicyEntityState,
  PolicyPrincipal,
  PolicyRoleState,
  PolicyStateRequest,
  PolicyStateResponse,
  PolicySubjects,
  PolicyUserState,
  ProjectSettings,
} from '@gatehouse/contracts';
import { createLogger, GatehouseNatsServer, NatsService, RemoteError } from '@gatehouse/platform';
import { PolicyModule } from './app.module';
import { loadPolicyConfig } from './config';
import { ReadModel } from './read-model/read-model';

/** The value, or a test failure when there is none. */
const must = <T>(v: T | undefined | null): T => {
  if (v === undefined || v === null) throw new Error('missing test fixture');
  return v;
};

/**
 * The policy service in-process, two instances in one queue group, on the real
 * NATS (NATS_URL, default nats://127.0.0.1:4222) under a subject prefix of its
 * own, against a stand-in identity + auth (plain nats.js subscriptions speaking
 * Nest's packet format) whose state each test controls.
 */
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const PREFIX = `ptest${randomUUID().slice(0, 8)}.`;
const logger = createLogger('policy-int', 'silent');

type Perm = 'allowed' | 'allowed_for_own' | 'not_allowed';
const payable = (read: Perm, create: Perm = 'not_allowed') => ({
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

type Mode = 'answer' | 'silent' | 'error';

/** identity and auth as far as the policy service sees them. */
class StandIn {
  readonly entities = new Map<string, PolicyEntityState>();
  readonly users = new Map<string, PolicyUserState>();
  readonly roles = new Map<string, PolicyRoleState>();
  readonly settings = new Map<string, ProjectSettings>();
  identityMode: Mode = 'answer';
  authMode: Mode = 'answer';
  stateRequests = 0;

  private constructor(readonly nc: NatsConnection) {}

  static async start(): Promise<StandIn> {
    const s = new StandIn(await connect({ servers: NATS_URL, name: 'policy-int-standin' }));
    s.serve(IdentitySubjects.policyStateGet, () => s.identityMode, (req: PolicyStateRequest) => s.policyState(req));
    s.serve(AuthSubjects.settingsGet, () => s.authMode, (req: { project_id: string }) => s.settings.get(req.project_id) ?? null);
    await s.nc.flush();
    return s;
  }

  private serve<Req>(subject: string, mode: () => Mode, answer: (req: Req) => unknown): void {
    this.nc.subscribe(PREFIX + subject, {
      queue: 'standin',
      callback: (_err, msg: Msg) => {
        const packet = JSON.parse(Buffer.from(msg.data).toString('utf8')) as { pattern: string; data: Req; id: string };
        const m = mode();
        if (m === 'silent') return;
        const reply =
          m === 'error'
            ? { id: packet.id, err: { code: 'internal', message: 'Internal server error' }, isDisposed: true }
            : { id: packet.id, response: answer(packet.data), isDisposed: true };
        msg.respond(Buffer.from(JSON.stringify(reply)));
      },
    });
  }

  private policyState(req: PolicyStateRequest): PolicyStateResponse {
    this.stateRequests++;
    const entity = this.entities.get(req.entity_id);
    if (!entity || entity.project_id !== req.project_id) return { entity: null, user: null, roles: [] };
    const u = req.entity_user_id ? this.users.get(req.entity_user_id) : undefined;
    const user = u && u.entity_id === entity.id ? u : null;
    const roles = [user?.role_id, entity.default_role_id].flatMap((id) => (id && this.roles.has(id) ? [this.roles.get(id) as PolicyRoleState] : []));
    return { entity, user, roles };
  }

  /** As identity does after a commit: the broadcast, confirmed by the server, before the caller gets its reply. */
  async invalidated(e: InvalidatedEvent): Promise<void> {
    this.nc.publish(PREFIX + IDENTITY_INVALIDATED, Buffer.from(JSON.stringify({ pattern: IDENTITY_INVALIDATED, data: e })));
    await this.nc.flush();
  }

  async settingsUpdated(projectId: string): Promise<void> {
    this.nc.publish(PREFIX + AuthEvents.settingsUpdated, Buffer.from(JSON.stringify({ pattern: AuthEvents.settingsUpdated, data: { project_id: projectId } })));
    await this.nc.flush();
  }

  // ---- a small world: one project, one entity, one user, two roles
  world() {
    const project = randomUUID();
    const entity = randomUUID();
    const user = randomUUID();
    const other = randomUUID();
    const own = randomUUID();
    const def = randomUUID();
    this.settings.set(project, { access_token_ttl: 1800, default_role: null });
    this.entities.set(entity, { id: entity, project_id: project, status: 'active', default_role_id: def, settings_version: 1, version: 1 });
    this.users.set(user, { id: user, entity_id: entity, status: 'active', role_id: own, created_by_entity_user_id: null, version: 1 });
    this.users.set(other, { id: other, entity_id: entity, status: 'active', role_id: null, created_by_entity_user_id: null, version: 1 });
    for (const [id, name] of [
      [own, 'own'],
      [def, 'default'],
    ]) {
      this.roles.set(id, { id, entity_id: entity, name, status: 'active', permissions: payable('not_allowed'), version: 1 });
    }
    return { project, entity, user, other, own, def };
  }

  close(): Promise<void> {
    return this.nc.drain();
  }
}

interface Instance {
  app: NestFastifyApplication;
  nats: NatsService;
}

async function startPolicy(http = false): Promise<Instance> {
  const config = loadPolicyConfig({ NATS_URL, NATS_SUBJECT_PREFIX: PREFIX, POLICY_UPSTREAM_TIMEOUT_MS: '300', POLICY_HTTP_PORT: '0', LOG_LEVEL: 'silent' });
  const nats = await NatsService.connect({ url: NATS_URL, name: 'policy-int', prefix: PREFIX, requestTimeoutMs: 2_000, logger });
  const app = await NestFactory.create<NestFastifyApplication>(PolicyModule.register({ config, nats, logger }), new FastifyAdapter(), {
    logger: false,
  });
  app.connectMicroservice({ strategy: new GatehouseNatsServer(nats, POLICY_QUEUE) });
  await app.init();
  await nats.flush();
  await app.startAllMicroservices();
  if (http) await app.listen(0, '127.0.0.1');
  await nats.flush();
  return { app, nats };
}

describe('policy service over real NATS', () => {
  let standIn: StandIn;
  let a: Instance;
  let b: Instance;
  let caller: NatsService;

  beforeAll(async () => {
    standIn = await StandIn.start();
    [a, b] = await Promise.all([startPolicy(true), startPolicy()]);
    caller = await NatsService.connect({ url: NATS_URL, name: 'policy-int-caller', prefix: PREFIX, requestTimeoutMs: 3_000, logger });
  });

  afterAll(async () => {
    for (const i of [a, b]) {
      if (!i) continue;
      await i.app.close();
      await i.nats.close();
    }
    await caller?.close();
    await standIn?.close();
  });

  const check = (req: CheckRequest) => caller.request<CheckResponse>(PolicySubjects.check, req);
  const userOf = (w: ReturnType<StandIn['world']>, id = w.user): PolicyPrincipal => ({
    kind: 'entity_user',
    project_id: w.project,
    entity_id: w.entity,
    entity_user_id: id,
  });
  const q = (principal: PolicyPrincipal, entityId: string | null, over: Partial<CheckRequest> = {}): CheckRequest => ({
    principal,
    entity_id: entityId,
    object_type: 'payable',
    action: 'read',
    ...over,
  });
  const setRole = (id: string, permissions: object) => {
    const r = standIn.roles.get(id) as PolicyRoleState;
    standIn.roles.set(id, { ...r, permissions: permissions as PolicyRoleState['permissions'], version: r.version + 1 });
    return r.version + 1;
  };

  it('is ready when NATS is connected', async () => {
    const address = a.app.getHttpServer().address() as { port: number };
    const live = await fetch(`http://127.0.0.1:${address.port}/health`);
    expect(live.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${address.port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { nats: 'up' } });
  });

  it('decides by permission value: allowed, allowed_for_own (scope own), not_allowed', async () => {
    const w = standIn.world();
    must(standIn.roles.get(w.own)).permissions = payable('allowed', 'allowed_for_own') as PolicyRoleState['permissions'];
    await expect(check(q(userOf(w), w.entity))).resolves.toEqual({ allowed: true, scope: 'all', reason: `role:${w.own}:allowed` });
    await expect(check(q(userOf(w), w.entity, { action: 'create' }))).resolves.toEqual({
      allowed: true,
      scope: 'own',
      reason: `role:${w.own}:allowed_for_own`,
    });
    await expect(check(q(userOf(w), w.entity, { action: 'create', resource_created_by: w.other }))).resolves.toMatchObject({
      allowed: false,
      reason: `role:${w.own}:allowed_for_own:not_owner`,
    });
    await expect(check(q(userOf(w), w.entity, { action: 'update' }))).resolves.toMatchObject({ allowed: false, reason: 'not_allowed_by_default' });
    // The other user has no role of their own: the entity's default role (not_allowed) decides.
    await expect(check(q(userOf(w, w.other), w.entity))).resolves.toEqual({
      allowed: false,
      scope: null,
      reason: `entity_default_role:${w.def}:not_allowed`,
    });
  });

  it('partner: root in its project, refused in another', async () => {
    const w = standIn.world();
    const x = standIn.world();
    const partner: PolicyPrincipal = { kind: 'partner', project_id: w.project };
    await expect(check(q(partner, w.entity, { partner_only: true }))).resolves.toEqual({ allowed: true, scope: 'all', reason: 'partner_root' });
    await expect(check(q(partner, null, { object_type: 'entity', action: 'read' }))).resolves.toMatchObject({ allowed: true });
    await expect(check(q(partner, x.entity))).resolves.toEqual({ allowed: false, scope: null, reason: 'entity_not_found' });
    // An entity user of project w presenting project x's entity.
    await expect(check(q(userOf(w), x.entity))).resolves.toMatchObject({ allowed: false });
  });

  it('check_batch and effective_role', async () => {
    const w = standIn.world();
    setRole(w.own, payable('allowed'));
    const res = await caller.request<CheckBatchResponse>(PolicySubjects.checkBatch, {
      checks: [q(userOf(w), w.entity), q(userOf(w, w.other), w.entity), q({ kind: 'partner', project_id: w.project }, w.entity)],
    });
    expect(res.results.map((r) => r.allowed)).toEqual([true, false, true]);
    await expect(caller.request<EffectiveRoleResponse>(PolicySubjects.effectiveRole, { principal: userOf(w) })).resolves.toEqual({
      source: 'role',
      role_id: w.own,
      name: 'own',
      permissions: payable('allowed'),
      active: true,
    });
    const err = await caller.request(PolicySubjects.effectiveRole, { principal: { kind: 'partner', project_id: w.project } }).catch((e: unknown) => e);
    expect((err as RemoteError).code).toBe('forbidden');
    const bad = await caller.request(PolicySubjects.check, { principal: { kind: 'nobody' } }).catch((e: unknown) => e);
    expect((bad as RemoteError).code).toBe('invalid_request');
  });

  it('an invalidation makes the very next check see the new state (200 changes, two instances, zero stale answers)', async () => {
    const w = standIn.world();
    const principal = userOf(w);
    const p = (allowed: boolean): Perm => (allowed ? 'allowed' : 'not_allowed');
    // Warm both instances.
    for (let i = 0; i < 20; i++) await check(q(principal, w.entity));
    const fetchesBefore = [a, b].map((i) => i.app.get(ReadModel).stats.stateFetches);

    let stale = 0;
    for (let i = 0; i < 200; i++) {
      const allow = i % 2 === 0;
      let expected: { allowed: boolean; reason: string };
      switch (i % 5) {
        case 0: {
          // The role's permissions change.
          standIn.users.set(w.user, { ...must(standIn.users.get(w.user)), role_id: w.own, version: must(standIn.users.get(w.user)).version + 1 });
          await standIn.invalidated({ kind: 'entity_user', id: w.user, entity_id: w.entity, project_id: w.project, version: must(standIn.users.get(w.user)).version });
          const v = setRole(w.own, payable(p(allow)));
          await standIn.invalidated({ kind: 'role', id: w.own, entity_id: w.entity, project_id: w.project, version: v });
          expected = { allowed: allow, reason: `role:${w.own}:${p(allow)}` };
          break;
        }
        case 1: {
          // The user loses their role: the entity default decides.
          const v = setRole(w.def, payable(p(allow)));
          await standIn.invalidated({ kind: 'role', id: w.def, entity_id: w.entity, project_id: w.project, version: v });
          const u = must(standIn.users.get(w.user));
          standIn.users.set(w.user, { ...u, role_id: null, version: u.version + 1 });
          await standIn.invalidated({ kind: 'entity_user', id: w.user, entity_id: w.entity, project_id: w.project, version: u.version + 1 });
          expected = { allowed: allow, reason: `entity_default_role:${w.def}:${p(allow)}` };
          break;
        }
        case 2: {
          // The entity's default role is removed: the project default decides.
          const e = must(standIn.entities.get(w.entity));
          standIn.entities.set(w.entity, { ...e, default_role_id: null, settings_version: e.settings_version + 1 });
          await standIn.invalidated({ kind: 'entity_settings', id: w.entity, entity_id: w.entity, project_id: w.project, version: e.settings_version + 1 });
          standIn.settings.set(w.project, { access_token_ttl: 1800, default_role: { name: 'pd', permissions: payable(p(allow)) } });
          await standIn.settingsUpdated(w.project);
          expected = { allowed: allow, reason: `project_default_role:${p(allow)}` };
          break;
        }
        case 3: {
          // The entity is deactivated (and back on the next round).
          const e = must(standIn.entities.get(w.entity));
          standIn.entities.set(w.entity, { ...e, status: 'inactive', version: e.version + 1 });
          await standIn.invalidated({ kind: 'entity', id: w.entity, entity_id: w.entity, project_id: w.project, version: e.version + 1 });
          expected = { allowed: false, reason: 'entity_inactive' };
          break;
        }
        default: {
          // Reactivated, default role restored.
          const e = must(standIn.entities.get(w.entity));
          standIn.entities.set(w.entity, { ...e, status: 'active', default_role_id: w.def, version: e.version + 1, settings_version: e.settings_version + 1 });
          await standIn.invalidated({ kind: 'entity', id: w.entity, entity_id: w.entity, project_id: w.project, version: e.version + 1 });
          await standIn.invalidated({ kind: 'entity_settings', id: w.entity, entity_id: w.entity, project_id: w.project, version: e.settings_version + 1 });
          const roleDefault = must(standIn.roles.get(w.def)).permissions;
          const allowed = JSON.stringify(roleDefault) === JSON.stringify(payable('allowed'));
          expected = { allowed, reason: `entity_default_role:${w.def}:${allowed ? 'allowed' : 'not_allowed'}` };
        }
      }
      const got = await check(q(principal, w.entity));
      if (got.allowed !== expected.allowed || got.reason !== expected.reason) stale++;
    }
    expect(stale).toBe(0);
    // Both instances served questions (and refetched after invalidations).
    const fetchesAfter = [a, b].map((i) => i.app.get(ReadModel).stats.stateFetches);
    expect(fetchesAfter[0]).toBeGreaterThan(fetchesBefore[0]);
    expect(fetchesAfter[1]).toBeGreaterThan(fetchesBefore[1]);
  });

  it('fails closed: identity silent, failing or absent → unavailable', async () => {
    const w = standIn.world();
    setRole(w.own, payable('allowed'));
    const unavailable = async (req: CheckRequest) => {
      const err = await check(req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteError);
      // The policy service's own refusal (its upstream timeout is below this caller's).
      expect((err as RemoteError).body).toEqual({ code: 'unavailable', message: 'Policy state unavailable' });
    };
    try {
      standIn.identityMode = 'silent';
      await unavailable(q(userOf(w), w.entity));
      await unavailable(q({ kind: 'partner', project_id: w.project }, w.entity));
      standIn.identityMode = 'error';
      await unavailable(q(userOf(w), w.entity));
    } finally {
      standIn.identityMode = 'answer';
    }
    // Back: decisions again.
    await expect(check(q(userOf(w), w.entity))).resolves.toMatchObject({ allowed: true });

    // No identity at all (nobody subscribed under this prefix).
    const x = standIn.world();
    await standIn.close();
    try {
      await unavailable(q(userOf(x), x.entity));
    } finally {
      standIn = await StandIn.start();
    }
  });

  it('fails closed when the project default role is needed and auth is silent', async () => {
    const w = standIn.world();
    must(standIn.users.get(w.user)).role_id = null;
    must(standIn.entities.get(w.entity)).default_role_id = null;
    try {
      standIn.authMode = 'silent';
      const err = await check(q(userOf(w), w.entity)).catch((e: unknown) => e);
      expect((err as RemoteError).code).toBe('unavailable');
    } finally {
      standIn.authMode = 'answer';
    }
    await expect(check(q(userOf(w), w.entity))).resolves.toMatchObject({ allowed: false, reason: 'no_role' });
  });
});
