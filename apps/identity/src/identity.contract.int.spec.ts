import { randomUUID } from 'node:crypto';
import {
  AccessContext,
  EntityUserView,
  EntityView,
  ErrorCodes,
  IdentitySubjects,
  Page,
  RoleView,
  SUBJECT_TABLE,
} from '@gatehouse/contracts';
import { createLogger, hostilePayloadsNotRefused, NatsService, RemoteError, requestChecked } from '@gatehouse/platform';
import { buildWorkspace, LoneService, startLoneService } from '@gatehouse/supervisor';

/**
 * identity alone, compiled, on the real PostgreSQL (a fresh database) and NATS
 * (a subject prefix of its own), driven only through its subjects. Identity
 * trusted the gateway to have validated what it stores; anyone allowed to
 * publish on its subjects could store anything. Now every subject refuses what
 * the public API refuses, with `invalid_request` (never a crash, never
 * `internal`), and still answers a good request within its contract.
 */
const SERVED = SUBJECT_TABLE.filter((c) => c.kind === 'request' && c.subscribers.includes('identity')).map((c) => c.subject);

const ADDRESS = { country: 'DE', city: 'Berlin', postal_code: '10115', line1: 'Invalidenstr. 1' };

describe('identity alone, through its NATS subjects', () => {
  let svc: LoneService;
  let nats: NatsService;
  const projectId = randomUUID();
  const partner = (entityId: string | null): AccessContext => ({ project_id: projectId, entity_id: entityId, actor_entity_user_id: null, scope: 'all' });
  let entity: EntityView;
  let role: RoleView;
  let spareRole: RoleView;
  let user: EntityUserView;

  beforeAll(async () => {
    buildWorkspace();
    svc = await startLoneService('identity');
    nats = await NatsService.connect({ url: svc.natsUrl, name: 'identity-contract-test', prefix: svc.prefix, requestTimeoutMs: 10_000, logger: createLogger('test', 'silent') });
    entity = await requestChecked<EntityView>(nats, IdentitySubjects.entityCreate, {
      access: partner(null),
      body: { type: 'organization', email: 'org@example.com', address: ADDRESS, organization: { legal_name: 'Acme GmbH' } },
    });
    role = await requestChecked<RoleView>(nats, IdentitySubjects.roleCreate, { access: partner(entity.id), body: { name: 'viewer', permissions: { objects: [] } } });
    spareRole = await requestChecked<RoleView>(nats, IdentitySubjects.roleCreate, { access: partner(entity.id), body: { name: 'spare', permissions: { objects: [] } } });
    user = await requestChecked<EntityUserView>(nats, IdentitySubjects.entityUserCreate, { access: partner(entity.id), body: { first_name: 'Ada', login: 'ada' } });
  }, 180_000);

  afterAll(async () => {
    await nats?.close();
    await svc?.stop();
  });

  it('refuses an entity sent directly on NATS with an array for its email and a string for its address, and stores nothing', async () => {
    const err = await nats
      .request(IdentitySubjects.entityCreate, {
        access: partner(null),
        body: { type: 'organization', email: ['x'], address: 'nowhere', organization: { legal_name: 'Hole GmbH' } },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).body).toMatchObject({
      code: ErrorCodes.invalidRequest,
      details: expect.arrayContaining([expect.objectContaining({ path: ['body', 'email'] }), expect.objectContaining({ path: ['body', 'address'] })]),
    });
    const page = await requestChecked<Page<EntityView>>(nats, IdentitySubjects.entityList, {
      access: partner(null),
      limit: 100,
      order: 'asc',
      sort: null,
      pagination_token: null,
      filters: {},
    });
    expect(page.data.map((e) => e.id)).toEqual([entity.id]);
  });

  it.each([
    ['an email the API refuses', { email: 'not-an-email' }],
    ['an unknown country', { address: { ...ADDRESS, country: 'XX' } }],
    ['an organization without its legal name', { organization: {} }],
    ['an individual entity without individual', { type: 'individual', organization: undefined }],
    ['a website that is no URI', { website: 'not a uri' }],
    ['a NUL in a stored string', { phone: 'a\u0000b' }],
    ['an unknown field', { color: 'red' }],
  ])('refuses what the public API refuses: %s', async (_name, change) => {
    const body = { type: 'organization', email: 'org@example.com', address: ADDRESS, organization: { legal_name: 'Acme GmbH' }, ...change };
    const err = await nats.request(IdentitySubjects.entityCreate, { access: partner(null), body }).catch((e: unknown) => e);
    expect((err as RemoteError).code).toBe(ErrorCodes.invalidRequest);
  });

  it('refuses a login that breaks the login rule, and an access context it cannot trust', async () => {
    const badLogin = await nats.request(IdentitySubjects.entityUserCreate, { access: partner(entity.id), body: { first_name: 'A', login: ' padded ' } }).catch((e: unknown) => e);
    expect((badLogin as RemoteError).code).toBe(ErrorCodes.invalidRequest);
    const badScope = await nats.request(IdentitySubjects.entityGet, { access: { ...partner(null), scope: 'everything' }, id: entity.id }).catch((e: unknown) => e);
    expect((badScope as RemoteError).code).toBe(ErrorCodes.invalidRequest);
  });

  it('answers entity_user.me only for the actor itself, and only while it and its entity are active', async () => {
    const self = { ...partner(entity.id), actor_entity_user_id: user.id };
    await expect(nats.request(IdentitySubjects.entityUserMe, { access: self, id: user.id })).resolves.toMatchObject({ id: user.id, status: 'active' });
    const other = await nats.request(IdentitySubjects.entityUserMe, { access: partner(entity.id), id: user.id }).catch((e: unknown) => e);
    expect((other as RemoteError).code).toBe(ErrorCodes.forbidden);
    await nats.request(IdentitySubjects.entityDeactivate, { access: partner(null), id: entity.id });
    try {
      const inactive = await nats.request(IdentitySubjects.entityUserMe, { access: self, id: user.id }).catch((e: unknown) => e);
      expect((inactive as RemoteError).body).toMatchObject({ code: ErrorCodes.forbidden, message: 'The entity user or its entity is not active' });
    } finally {
      await nats.request(IdentitySubjects.entityActivate, { access: partner(null), id: entity.id });
    }
    await expect(nats.request(IdentitySubjects.entityUserMe, { access: self, id: user.id })).resolves.toMatchObject({ id: user.id });
  });

  /** A valid request per subject, with only its required fields (so dropping any one makes it invalid); deletions and status changes last. */
  const good = (): Record<string, unknown> => {
    const e = partner(entity.id);
    const list = { limit: 10, order: 'asc', sort: null, pagination_token: null, filters: {} };
    return {
      [IdentitySubjects.entityCreate]: { access: partner(null), body: { type: 'individual', email: 'i@example.com', address: ADDRESS, individual: { first_name: 'I', last_name: 'N' } } },
      [IdentitySubjects.entityList]: { access: partner(null), ...list },
      [IdentitySubjects.entityGet]: { access: partner(null), id: entity.id },
      [IdentitySubjects.entityUpdate]: { access: partner(null), id: entity.id, body: { phone: '+49 30 1' } },
      [IdentitySubjects.entitySettingsGet]: { access: partner(null), id: entity.id },
      [IdentitySubjects.entitySettingsUpdate]: { access: partner(null), id: entity.id, body: { default_role_id: role.id } },
      [IdentitySubjects.entityUserCreate]: { access: e, body: { first_name: 'Bob', login: `bob-${randomUUID().slice(0, 8)}` } },
      [IdentitySubjects.entityUserList]: { access: e, ...list },
      [IdentitySubjects.entityUserGet]: { access: e, id: user.id },
      [IdentitySubjects.entityUserMe]: { access: { ...e, actor_entity_user_id: user.id }, id: user.id },
      [IdentitySubjects.entityUserUpdate]: { access: e, id: user.id, body: { title: 'CFO' } },
      [IdentitySubjects.roleCreate]: { access: e, body: { name: `r-${randomUUID().slice(0, 8)}`, permissions: { objects: [] } } },
      [IdentitySubjects.roleList]: { access: e, ...list },
      [IdentitySubjects.roleGet]: { access: e, id: role.id },
      [IdentitySubjects.roleUpdate]: { access: e, id: role.id, body: { name: 'viewer-2' } },
      [IdentitySubjects.policyStateGet]: { project_id: projectId, entity_id: entity.id, entity_user_id: user.id },
      [IdentitySubjects.entityUserLookup]: { project_id: projectId, entity_user_id: user.id },
      [IdentitySubjects.entityUserDelete]: { access: e, id: user.id },
      [IdentitySubjects.roleDelete]: { access: e, id: spareRole.id },
      [IdentitySubjects.entityDeactivate]: { access: partner(null), id: entity.id },
      [IdentitySubjects.entityActivate]: { access: partner(null), id: entity.id },
    };
  };

  it('has a valid request for every subject it serves, and serves every subject the table gives it', () => {
    expect(Object.keys(good()).sort()).toEqual([...SERVED].sort());
  });

  /** The order the subjects are driven in: deletions and status changes last. */
  const ORDER = [
    ...SERVED.filter((s) => !/\.(delete|activate|deactivate)$/.test(s)),
    IdentitySubjects.entityUserDelete,
    IdentitySubjects.roleDelete,
    IdentitySubjects.entityDeactivate,
    IdentitySubjects.entityActivate,
  ];

  it.each(ORDER)('%s: every hostile payload is invalid_request; then a good request is answered within the contract', async (subject) => {
    expect(await hostilePayloadsNotRefused(nats, subject, good()[subject])).toEqual([]);
    await expect(requestChecked(nats, subject, good()[subject])).resolves.toBeDefined();
  });

  it('is still up and ready after all of it, having logged no error', async () => {
    expect(svc.process.exitStatus).toBeUndefined();
    expect((await fetch(svc.readyUrl)).status).toBe(200);
    expect(svc.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});
