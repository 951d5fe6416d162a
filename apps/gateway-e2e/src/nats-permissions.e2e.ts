import { randomBytes, randomUUID } from 'node:crypto';
import { connect, ErrorCode, Events, Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { AuthEvents, AuthSubjects, GatewayBuckets, IDENTITY_INVALIDATED, IdentityEvents, IdentitySubjects, PolicySubjects, PortalBuckets, PortalSubjects } from '@gatehouse/contracts';
import { inboxPrefixFor } from '@gatehouse/platform';
import { repoRoot } from '@gatehouse/supervisor';
import { join } from 'node:path';
import { entityUserToken, userWithRole, Api, partner, Partner, ROLE, claimsOf, recordSecret, NatsServer, HttpClient } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/**
 * NATS as a security boundary: the whole system on a nats-server of its own running
 * deploy/nats/nats-server.conf as shipped (test passwords through the environment, as
 * docker compose passes them), each service logged in as its own user, no subject
 * prefix (the permissions name production's subjects). The system works end to end,
 * and the gateway's credentials (the internet-facing process) can neither publish
 * identity's events nor answer as the policy service. Every refusal is checked next
 * to a control that shows the same act succeeding with the rightful user's credentials.
 */
const USERS = ['audit', 'auth', 'identity', 'policy', 'gateway', 'portal', 'cli'] as const;
type User = (typeof USERS)[number];
// Letters and digits, starting with a letter: nats-server parses an environment value as a config value.
const PASSWORDS = Object.fromEntries(USERS.map((u) => [u, `p${randomBytes(18).toString('hex')}`])) as Record<User, string>;
const passwordVar = (u: User) => `NATS_${u.toUpperCase()}_PASSWORD`;

interface Violation {
  operation: string;
  subject: string;
}

/** A connection as one user, recording the permission violations the server reports to it. */
class Probe {
  readonly violations: Violation[] = [];

  private constructor(readonly nc: NatsConnection) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === Events.Error && s.data === ErrorCode.PermissionsViolation && s.permissionContext) {
          this.violations.push({ operation: s.permissionContext.operation, subject: s.permissionContext.subject });
        }
      }
    })();
  }

  static async as(broker: NatsServer, user: User): Promise<Probe> {
    return new Probe(
      await connect({ servers: broker.url, user, pass: PASSWORDS[user], name: `e2e-probe-${user}`, maxReconnectAttempts: 0, inboxPrefix: inboxPrefixFor(user) }),
    );
  }

  /** Publishes in the services' packet format; flush: the server has read it (and answered -ERR if refused). */
  async publish(subject: string, data: unknown, reply?: string): Promise<void> {
    this.nc.publish(subject, Buffer.from(JSON.stringify({ pattern: subject, data })), { reply });
    await this.nc.flush();
  }

  /** A request in Nest's packet format (nats.js's own request: a refused publish rejects it at once). */
  async request<T>(subject: string, data: unknown, timeout = 3_000): Promise<T> {
    const reply = await this.nc.request(subject, Buffer.from(JSON.stringify({ pattern: subject, data, id: randomUUID() })), { timeout });
    const body = JSON.parse(Buffer.from(reply.data).toString('utf8')) as { err?: unknown; response?: T };
    if (body.err) throw new Error(`remote error: ${JSON.stringify(body.err)}`);
    return body.response as T;
  }

  /** Waits for the server's violation report (it arrives before the flush's PONG; the status iterator is async). */
  async violation(operation: 'publish' | 'subscription', subject: string): Promise<Violation | undefined> {
    return until(() => this.violations.find((v) => v.operation === operation && v.subject === subject));
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}

/** Everything published on some subjects, as seen by a subscriber of one user. */
class Observer {
  readonly seen: Array<{ subject: string; body: any }> = [];
  private constructor(
    readonly probe: Probe,
    private readonly subs: Subscription[],
  ) {}

  static async as(broker: NatsServer, user: User, subjects: string[]): Promise<Observer> {
    const probe = await Probe.as(broker, user);
    const observer: Observer = new Observer(probe, []);
    for (const subject of subjects) {
      observer.subs.push(
        probe.nc.subscribe(subject, {
          callback: (err, msg: Msg) => {
            if (!err) observer.seen.push({ subject: msg.subject, body: JSON.parse(Buffer.from(msg.data).toString('utf8') || 'null') });
          },
        }),
      );
    }
    await probe.nc.flush(); // the server has the subscriptions before anything is published
    return observer;
  }

  /** Messages carrying `marker` anywhere in their body (the services' packets nest it under `data`). */
  withMarker(marker: string) {
    return this.seen.filter((m) => JSON.stringify(m.body).includes(marker));
  }
}

async function until<T>(probe: () => T | undefined, timeoutMs = 3_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Lets anything in flight arrive: a round trip through the server on each connection, then a moment. */
async function settle(...probes: Probe[]): Promise<void> {
  for (const p of probes) await p.nc.flush();
  await new Promise((r) => setTimeout(r, 300));
}

const expectViolation = (err: unknown, operation: string, subject: string) => {
  const e = err as NatsError;
  expect({ code: e?.code, context: e?.permissionContext && { operation: e.permissionContext.operation, subject: e.permissionContext.subject } }).toEqual({
    code: ErrorCode.PermissionsViolation,
    context: { operation, subject },
  });
};

describe('NATS permissions (deploy/nats/nats-server.conf)', () => {
  let broker: NatsServer;
  let sys: TestSystem;
  let p: Partner;
  let api: Api;
  let entityId: string;
  let userToken: string;
  const probes: Probe[] = [];
  const as = async (user: User) => {
    const probe = await Probe.as(broker, user);
    probes.push(probe);
    return probe;
  };
  const observe = async (user: User, subjects: string[]) => {
    const observer = await Observer.as(broker, user, subjects);
    probes.push(observer.probe);
    return observer;
  };
  /** The broker's own report of refused operations (nats-server logs each one). */
  const brokerViolations = () => broker.lines.filter((l) => /(Publish|Subscription|Permissions) Violation/i.test(l));

  beforeAll(async () => {
    for (const password of Object.values(PASSWORDS)) recordSecret(password);
    broker = await NatsServer.start({
      config: join(repoRoot(), 'deploy', 'nats', 'nats-server.conf'),
      env: Object.fromEntries(USERS.map((u) => [passwordVar(u), PASSWORDS[u]])),
    });
    const creds = (u: User) => ({ NATS_USER: u, NATS_PASSWORD: PASSWORDS[u] });
    sys = await TestSystem.start({
      nats: { url: broker.url, prefix: '', user: 'cli', password: PASSWORDS.cli },
      env: { audit: creds('audit'), auth: creds('auth'), identity: creds('identity'), policy: creds('policy'), gateway: creds('gateway'), portal: creds('portal') },
    });
  });

  afterAll(async () => {
    for (const probe of probes) await probe.close().catch(() => undefined);
    await sys?.stop();
    await broker?.stop();
  });

  it('refuses a client without credentials, or with another user’s password', async () => {
    await expect(connect({ servers: broker.url, maxReconnectAttempts: 0 })).rejects.toMatchObject({ code: ErrorCode.AuthorizationViolation });
    await expect(connect({ servers: broker.url, user: 'gateway', pass: PASSWORDS.identity, maxReconnectAttempts: 0 })).rejects.toMatchObject({
      code: ErrorCode.AuthorizationViolation,
    });
  });

  it('works end to end with each service on its own user', async () => {
    const events = await observe('identity', ['identity.v1.events.>', IDENTITY_INVALIDATED]);
    // cli → auth.v1.admin.*; gateway → auth (client_credentials)
    p = await partner(sys);
    api = new Api(sys, p.token);
    // gateway → identity; identity's relay → JetStream (the stream was created at start), and the invalidation broadcast
    entityId = (await api.entity()).id;
    expect(await until(() => events.seen.find((m) => m.subject === IdentityEvents.entityCreated && m.body.record_id === entityId), 10_000)).toBeDefined();
    // a role, a user with it, its token: gateway → auth → identity (entity_user.lookup)
    const u = await userWithRole(sys, api, p, entityId, ROLE());
    userToken = u.token;
    expect(claimsOf(userToken)).toMatchObject({ sub: u.user.id, entity_id: entityId, grant_type: 'entity_user' });
    // gateway → policy.v1.check → policy → identity.v1.policy_state.get (and auth.v1.settings.get)
    const list = await sys.http.get('/v1/entity_users', { token: userToken });
    expect({ status: list.status, ids: (list.json?.data ?? []).map((x: { id: string }) => x.id) }).toEqual({
      status: 200,
      ids: expect.arrayContaining([u.user.id]),
    });
    // gateway → policy.v1.effective_role
    expect((await sys.http.get('/v1/entity_users/my_role', { token: userToken })).status).toBe(200);
    // gateway → auth.v1.settings.update; auth broadcasts settings.updated (to auth and policy)
    const settings = await observe('policy', [AuthEvents.settingsUpdated]);
    const defaultRole = { permissions: { objects: [{ object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] }] } };
    expect((await sys.http.patch('/v1/settings', { token: p.token, json: { default_role: defaultRole } })).status).toBe(200);
    expect(await until(() => settings.withMarker(p.project_id)[0])).toBeDefined();
    // a user without a role: policy → auth.v1.settings.get for the project's default role
    const roleless = await entityUserToken(sys, p, (await api.user(entityId)).id);
    const myRole = await sys.http.get('/v1/entity_users/my_role', { token: roleless });
    expect({ status: myRole.status, source: myRole.json?.source }).toEqual({ status: 200, source: 'project_default' });
    // gateway → auth.v1.token.revoke; auth broadcasts token.revoked to the gateway, which refuses the token at once
    const spare = await sys.partnerToken(p);
    expect((await sys.http.post('/v1/auth/revoke', { json: { client_id: p.client_id, client_secret: p.client_secret, token: spare } })).status).toBe(200);
    expect((await sys.http.get('/v1/settings', { token: spare })).status).toBe(401);
    // None of that needed a subject outside the services' permissions.
    expect(brokerViolations()).toEqual([]);
  });

  describe("the gateway's credentials", () => {
    it('cannot publish identity events into JetStream (identity can)', async () => {
      const events = await observe('identity', ['identity.v1.events.>']);
      const gateway = await as('gateway');
      const identity = await as('identity');
      const forged = randomUUID();
      const genuine = randomUUID();
      const event = (marker: string) => Buffer.from(JSON.stringify({ record_id: randomUUID(), version: 1, marker }));

      const refused = await gateway.nc
        .jetstream()
        .publish(IdentityEvents.entityCreated, event(forged), { timeout: 2_000 })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expectViolation(refused, 'publish', IdentityEvents.entityCreated);
      // Control: the same publish as identity lands in the stream.
      const ack = await identity.nc.jetstream().publish(IdentityEvents.entityCreated, event(genuine), { timeout: 2_000 });
      expect(ack.stream).toBe('IDENTITY_EVENTS');

      expect(await until(() => events.withMarker(genuine)[0])).toBeDefined();
      await settle(events.probe);
      expect(events.withMarker(forged)).toEqual([]);
    });

    it('cannot publish identity events on core NATS, nor identity.v1.invalidated (identity can)', async () => {
      const observer = await observe('identity', ['identity.v1.events.>', IDENTITY_INVALIDATED]);
      const gateway = await as('gateway');
      const identity = await as('identity');
      const forged = randomUUID();
      const genuine = randomUUID();
      const invalidation = (marker: string) => ({ kind: 'entity', id: entityId, entity_id: entityId, project_id: p.project_id, version: 1_000_000, marker });

      await gateway.publish(IdentityEvents.entityCreated, { record_id: randomUUID(), marker: forged });
      await gateway.publish(IDENTITY_INVALIDATED, invalidation(forged));
      expect(await gateway.violation('publish', IdentityEvents.entityCreated)).toBeDefined();
      expect(await gateway.violation('publish', IDENTITY_INVALIDATED)).toBeDefined();
      expect(gateway.nc.isClosed()).toBe(false); // a refusal is reported, the connection stays

      await identity.publish(IDENTITY_INVALIDATED, invalidation(genuine));
      expect(identity.violations).toEqual([]);
      expect(await until(() => observer.withMarker(genuine)[0])).toMatchObject({ subject: IDENTITY_INVALIDATED });
      await settle(observer.probe);
      expect(observer.withMarker(forged)).toEqual([]);
      expect(brokerViolations().some((l) => l.includes('"gateway"') && l.includes(IDENTITY_INVALIDATED))).toBe(true);
    });

    it('cannot subscribe to policy.v1.check (in the policy queue group or not), so cannot answer as policy', async () => {
      const gateway = await as('gateway');
      const answered: string[] = [];
      const subErrors: Array<NatsError | null> = [];
      const fake = gateway.nc.subscribe(PolicySubjects.check, {
        queue: 'policy',
        callback: (err, msg) => {
          if (err) return void subErrors.push(err);
          answered.push(msg.subject);
          msg.respond(Buffer.from(JSON.stringify({ response: { allowed: true, scope: 'all', reason: 'forged' } })));
        },
      });
      const plain = gateway.nc.subscribe(PolicySubjects.checkBatch, { callback: (err) => err && subErrors.push(err) });
      await gateway.nc.flush();
      expect(await gateway.violation('subscription', PolicySubjects.check)).toBeDefined();
      expect(await gateway.violation('subscription', PolicySubjects.checkBatch)).toBeDefined();
      expect(subErrors.map((e) => e?.code)).toEqual([ErrorCode.PermissionsViolation, ErrorCode.PermissionsViolation]);
      expect([fake.isClosed(), plain.isClosed()]).toEqual([true, true]);

      // With the real policy service gone, nobody answers policy.v1.check: the gateway
      // refuses the entity user (503), it does not get the forged "allowed".
      await sys.stopService('policy');
      const check = { principal: { kind: 'entity_user', project_id: p.project_id, entity_user_id: claimsOf(userToken).sub, entity_id: entityId }, entity_id: entityId, object_type: 'entity_user', action: 'read' };
      const noAnswer = await gateway.request(PolicySubjects.check, check).catch((err: NatsError) => err);
      expect((noAnswer as NatsError).code).toBe(ErrorCode.NoResponders);
      expect((await sys.http.get('/v1/entity_users', { token: userToken })).status).toBe(503);
      expect(answered).toEqual([]);

      // Control: the same responder as policy does answer (allow_responses), and is believed.
      const policy = await as('policy');
      const impostor = policy.nc.subscribe(PolicySubjects.check, {
        queue: 'policy',
        callback: (err, msg) => {
          if (!err) msg.respond(Buffer.from(JSON.stringify({ response: { allowed: true, scope: 'all', reason: 'control' } })));
        },
      });
      await policy.nc.flush();
      expect(await gateway.request(PolicySubjects.check, check)).toMatchObject({ reason: 'control' });
      impostor.unsubscribe();
      await policy.nc.flush();

      await sys.startService('policy');
      expect((await sys.http.get('/v1/entity_users', { token: userToken })).status).toBe(200);
    });

    it('cannot forge a reply: nobody may publish to an inbox but as the answer to a request it received', async () => {
      const cli = await as('cli');
      const inbox = `${inboxPrefixFor('cli')}.e2e${randomUUID().replace(/-/g, '')}`;
      const got: string[] = [];
      cli.nc.subscribe(inbox, { callback: (_e, m) => got.push(Buffer.from(m.data).toString('utf8')) });
      await cli.nc.flush();
      for (const user of ['gateway', 'policy'] as const) {
        const probe = await as(user);
        await probe.publish(inbox, { response: { allowed: true } });
        expect(await probe.violation('publish', inbox)).toBeDefined();
      }
      await settle(cli);
      expect(got).toEqual([]);
    });

    it("cannot read another user's replies: the operator's new client secret stays with the operator", async () => {
      const gateway = await as('gateway');
      const heard: string[] = [];
      for (const inboxes of ['_INBOX.>', `${inboxPrefixFor('cli')}.>`, `${inboxPrefixFor('auth')}.>`, '>']) {
        gateway.nc.subscribe(inboxes, { callback: (err, m) => !err && heard.push(Buffer.from(m.data).toString('utf8')) });
      }
      await gateway.nc.flush();
      for (const inboxes of ['_INBOX.>', `${inboxPrefixFor('cli')}.>`, `${inboxPrefixFor('auth')}.>`, '>']) {
        expect(await gateway.violation('subscription', inboxes)).toBeDefined();
      }
      // Control: the operator gets its answer (a secret) on its own inbox; the gateway hears nothing.
      const cli = await as('cli');
      const created = await cli.request<{ client_secret: string }>(AuthSubjects.credentialsCreate, { project_id: p.project_id });
      recordSecret(created.client_secret);
      expect(created.client_secret).toEqual(expect.any(String));
      await settle(gateway, cli);
      expect(heard.filter((m) => m.includes(created.client_secret))).toEqual([]);
      expect(heard).toEqual([]);
    });

    it('cannot call the operator subjects auth.v1.admin.* (the cli user can)', async () => {
      const gateway = await as('gateway');
      const cli = await as('cli');
      for (const subject of [AuthSubjects.projectList, AuthSubjects.credentialsCreate, AuthSubjects.keysRotate]) {
        const refused = await gateway.request(subject, { project_id: p.project_id }).catch((err: unknown) => err);
        expectViolation(refused, 'publish', subject);
      }
      // Control: the operator's user gets an answer.
      const { projects } = await cli.request<{ projects: Array<{ project_id: string }> }>(AuthSubjects.projectList, {});
      expect(projects.map((x) => x.project_id)).toContain(p.project_id);
    });
  });

  it("policy's credentials cannot broadcast auth events: a forged revocation is dropped (auth's is obeyed)", async () => {
    const gateways = await observe('gateway', [AuthEvents.tokenRevoked]);
    const policy = await as('policy');
    const auth = await as('auth');
    const kept = await sys.partnerToken(p);
    const revoked = await sys.partnerToken(p);
    const revocation = (token: string) => ({ jti: claimsOf(token).jti, exp: claimsOf(token).exp });

    await policy.publish(AuthEvents.tokenRevoked, revocation(kept));
    expect(await policy.violation('publish', AuthEvents.tokenRevoked)).toBeDefined();
    await auth.publish(AuthEvents.tokenRevoked, revocation(revoked));
    expect(auth.violations).toEqual([]);

    expect(await until(() => gateways.withMarker(claimsOf(revoked).jti)[0])).toBeDefined();
    const status = async (token: string) => (await sys.http.get('/v1/settings', { token })).status;
    let revokedStatus = await status(revoked);
    for (let i = 0; i < 40 && revokedStatus !== 401; i++) {
      await new Promise((r) => setTimeout(r, 50));
      revokedStatus = await status(revoked);
    }
    expect({ kept: await status(kept), revoked: revokedStatus }).toEqual({ kept: 200, revoked: 401 });
    expect(gateways.withMarker(claimsOf(kept).jti)).toEqual([]);
  });

  it("the portal's credentials reach auth's portal subjects only: not the operator's, not identity's writes, and cannot answer as auth", async () => {
    const portal = await as('portal');
    // Control: auth answers the portal (an unknown member is refused by auth, not by the broker).
    await expect(portal.request(PortalSubjects.login, { email: 'nobody@example.com', password: 'not a password' })).rejects.toThrow(/unauthenticated/);
    expect(portal.violations).toEqual([]);

    expectViolation(await portal.request(AuthSubjects.projectCreate, { name: 'forged' }).catch((err: unknown) => err), 'publish', AuthSubjects.projectCreate);
    await portal.publish(IdentitySubjects.entityCreate, { project_id: p.project_id });
    expect(await portal.violation('publish', IdentitySubjects.entityCreate)).toBeDefined();
    portal.nc.subscribe(PortalSubjects.login, { queue: 'auth' });
    await portal.nc.flush();
    expect(await portal.violation('subscription', PortalSubjects.login)).toBeDefined();
  });

  it("the portal's login brake counts in its own KV bucket PORTAL_BRAKE as the portal user; neither it nor the gateway reaches the other's bucket", async () => {
    const before = brokerViolations().length;
    // A failed sign-in at the running portal (logged in to NATS as `portal`): the brake counts it in PORTAL_BRAKE.
    const portalUrl = `https://localhost:${sys.env('portal').PORTAL_PORT}`;
    const web = new HttpClient(portalUrl, { ca: sys.ca });
    try {
      const form = await web.get('/login');
      const pre = /__Host-gh_pre=([^;]+)/.exec(String(form.headers['set-cookie']))?.[1];
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
      const res = await web.post('/login', {
        headers: { cookie: `__Host-gh_pre=${pre}`, origin: portalUrl },
        form: { _csrf: csrf ?? '', email: 'nobody@example.com', password: 'not the password' },
      });
      expect(res.status).toBe(401);
    } finally {
      await web.close();
    }
    const portal = await as('portal');
    const jsm = await portal.nc.jetstreamManager();
    const info = await jsm.streams.info(`KV_${PortalBuckets.brake}`);
    // One count for the (email, address), one for the address.
    expect(info.state.messages).toBeGreaterThanOrEqual(2);
    expect(brokerViolations().slice(before)).toEqual([]);
    expect(portal.violations).toEqual([]);
    // Not the gateway's bucket…
    await jsm.streams.info(`KV_${GatewayBuckets.brake}`).catch(() => undefined);
    expect(await portal.violation('publish', `$JS.API.STREAM.INFO.KV_${GatewayBuckets.brake}`)).toBeDefined();
    await portal.publish(`$KV.${GatewayBuckets.brake}.a.forged`, { n: 0 });
    expect(await portal.violation('publish', `$KV.${GatewayBuckets.brake}.a.forged`)).toBeDefined();
    // …nor a consumer on its own (it reads its counters, it does not watch them).
    await jsm.consumers.add(`KV_${PortalBuckets.brake}`, { name: 'watch' }).catch(() => undefined);
    expect(await until(() => portal.violations.find((v) => v.subject.startsWith(`$JS.API.CONSUMER.CREATE.KV_${PortalBuckets.brake}`)))).toBeDefined();
    // And the gateway's credentials cannot touch the portal's counters.
    const gateway = await as('gateway');
    await gateway.publish(`$KV.${PortalBuckets.brake}.a.forged`, { n: 0 });
    expect(await gateway.violation('publish', `$KV.${PortalBuckets.brake}.a.forged`)).toBeDefined();
  });
});
