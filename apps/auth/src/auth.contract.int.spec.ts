import { Secret, TOTP } from 'otpauth';
import {
  AuthSubjects,
  CredentialsCreatedResponse,
  ErrorCodes,
  MemberCreated,
  PartnerView,
  PortalCredentialCreated,
  PortalInviteCreated,
  PortalProjectView,
  PortalSessionIssued,
  PortalSubjects,
  PortalTotpConfirmResponse,
  PortalTotpEnrollResponse,
  ProjectView,
  SUBJECT_TABLE,
  TokenIssueBatchResponse,
} from '@gatehouse/contracts';
import { createLogger, hostilePayloadsNotRefused, NatsService, RemoteError, requestChecked } from '@gatehouse/platform';
import { buildWorkspace, LoneService, startLoneService } from '@gatehouse/supervisor';

/**
 * auth alone, compiled, on the real PostgreSQL (a fresh database) and NATS (a
 * subject prefix of its own), driven only through its subjects: every subject it
 * serves refuses every hostile payload with `invalid_request` (never a crash,
 * never `internal`), then still answers a good request, whose reply holds to the
 * subject's contract.
 */
const SERVED = SUBJECT_TABLE.filter((c) => c.kind === 'request' && c.subscribers.includes('auth')).map((c) => c.subject);

describe('auth alone, through its NATS subjects', () => {
  let svc: LoneService;
  let nats: NatsService;
  let project: ProjectView;
  let cred: CredentialsCreatedResponse;
  let spare: CredentialsCreatedResponse;
  let partner: PartnerView;
  // The portal's subjects: members and sessions each good request may use (logout ends one, remove removes one…).
  const PASSWORD = 'contract password 1';
  const s: Record<string, string> = {};
  let removable: MemberCreated;
  let portalProject: PortalProjectView;
  let toArchive: PortalProjectView;
  let toRoll: PortalCredentialCreated;
  let toRevoke: PortalCredentialCreated;
  let toTry: PortalCredentialCreated;
  let inviteForGet: PortalInviteCreated;
  let inviteForAccept: PortalInviteCreated;
  let confirmSecret: string;
  let recovery: string[];

  beforeAll(async () => {
    buildWorkspace();
    // A portal rotation right after the admin one: no waiting here.
    svc = await startLoneService('auth', { env: { AUTH_PORTAL_KEY_ROTATION_MIN_MINUTES: '0' } });
    nats = await NatsService.connect({ url: svc.natsUrl, name: 'auth-contract-test', prefix: svc.prefix, requestTimeoutMs: 10_000, logger: createLogger('test', 'silent') });
    project = await requestChecked<ProjectView>(nats, AuthSubjects.projectCreate, { name: 'contract' });
    cred = await requestChecked<CredentialsCreatedResponse>(nats, AuthSubjects.credentialsCreate, { project_id: project.project_id });
    spare = await requestChecked<CredentialsCreatedResponse>(nats, AuthSubjects.credentialsCreate, { project_id: project.project_id });

    partner = await requestChecked<PartnerView>(nats, AuthSubjects.partnersCreate, { name: 'contract partner' });
    const member = async (name: string, role = 'owner') =>
      requestChecked<MemberCreated>(nats, AuthSubjects.membersCreate, { partner_id: partner.partner_id, email: `${name}@example.com`, role, password: PASSWORD });
    const login = async (name: string) => (await requestChecked<PortalSessionIssued>(nats, PortalSubjects.login, { email: `${name}@example.com`, password: PASSWORD })).session_token;
    for (const name of ['owner', 'logout', 'logout-all', 'enroll', 'confirm', 'twofa']) {
      await member(name);
      s[name] = await login(name);
    }
    removable = await member('removable', 'developer');
    portalProject = await requestChecked<PortalProjectView>(nats, PortalSubjects.projectsCreate, { session_token: s.owner, name: 'portal' });
    toArchive = await requestChecked<PortalProjectView>(nats, PortalSubjects.projectsCreate, { session_token: s.owner, name: 'to archive' });
    const pair = () => requestChecked<PortalCredentialCreated>(nats, PortalSubjects.credentialsCreate, { session_token: s.owner, project_id: portalProject.project_id, name: 'pair' });
    toRoll = await pair();
    toRevoke = await pair();
    toTry = await pair();
    const invite = () => requestChecked<PortalInviteCreated>(nats, PortalSubjects.membersInvite, { session_token: s.owner, role: 'viewer' });
    inviteForGet = await invite();
    inviteForAccept = await invite();
    confirmSecret = (await requestChecked<PortalTotpEnrollResponse>(nats, PortalSubjects.totpEnroll, { session_token: s.confirm })).secret_base32;
    // twofa: TOTP on; a half session for totp.verify, a full one (through a recovery code) for totp.disable.
    const twofa = (await requestChecked<PortalTotpEnrollResponse>(nats, PortalSubjects.totpEnroll, { session_token: s.twofa })).secret_base32;
    recovery = (await requestChecked<PortalTotpConfirmResponse>(nats, PortalSubjects.totpConfirm, { session_token: s.twofa, code: codeOf(twofa) })).recovery_codes;
    s.half = await login('twofa');
    const half2 = await login('twofa');
    s.twofaFull = (await requestChecked<PortalSessionIssued>(nats, PortalSubjects.totpVerify, { session_token: half2, code: recovery[0] })).session_token;
  }, 180_000);

  const codeOf = (base32: string) => new TOTP({ secret: Secret.fromBase32(base32) }).generate();

  afterAll(async () => {
    await nats?.close();
    await svc?.stop();
  });

  /** A valid request per subject, with only its required fields (so dropping any one makes it invalid). */
  const good = (): Record<string, unknown> => ({
    [AuthSubjects.tokenIssue]: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret },
    [AuthSubjects.tokenIssueBatch]: { items: [{ request: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret }, request_id: 'contract-batch-1' }] },
    [AuthSubjects.tokenRevoke]: { client_id: cred.client_id, client_secret: cred.client_secret, token: 'not-a-token' },
    [AuthSubjects.jwksGet]: {},
    [AuthSubjects.revocationsList]: {},
    [AuthSubjects.clientGet]: { client_id: cred.client_id },
    [AuthSubjects.clientAuthenticate]: { client_id: cred.client_id, client_secret: cred.client_secret },
    [AuthSubjects.settingsGet]: { project_id: project.project_id },
    [AuthSubjects.settingsUpdate]: { project_id: project.project_id, patch: { access_token_ttl: 900 } },
    [AuthSubjects.projectCreate]: { name: 'another' },
    [AuthSubjects.projectList]: {},
    [AuthSubjects.projectRevokeTokens]: { project_id: project.project_id },
    [AuthSubjects.credentialsCreate]: { project_id: project.project_id },
    [AuthSubjects.credentialsList]: { project_id: project.project_id },
    [AuthSubjects.credentialsRevoke]: { client_id: spare.client_id },
    [AuthSubjects.keysRotate]: {},
    [AuthSubjects.projectAssign]: { project_id: project.project_id, partner_id: partner.partner_id },
    [AuthSubjects.partnersCreate]: { name: 'another partner' },
    [AuthSubjects.partnersList]: {},
    [AuthSubjects.membersCreate]: { partner_id: partner.partner_id, email: `new-${Date.now()}@example.com`, role: 'viewer' },
    [PortalSubjects.login]: { email: 'owner@example.com', password: PASSWORD },
    [PortalSubjects.totpVerify]: { session_token: s.half, code: recovery[1] },
    [PortalSubjects.sessionGet]: { session_token: s.owner },
    [PortalSubjects.logout]: { session_token: s.logout },
    [PortalSubjects.logoutAll]: { session_token: s['logout-all'] },
    [PortalSubjects.totpEnroll]: { session_token: s.enroll },
    [PortalSubjects.totpConfirm]: { session_token: s.confirm, code: codeOf(confirmSecret) },
    [PortalSubjects.totpDisable]: { session_token: s.twofaFull, code: recovery[2] },
    [PortalSubjects.membersList]: { session_token: s.owner },
    [PortalSubjects.membersInvite]: { session_token: s.owner, role: 'developer' },
    [PortalSubjects.membersRemove]: { session_token: s.owner, member_id: removable.member_id },
    [PortalSubjects.inviteGet]: { invite_token: inviteForGet.invite_token },
    [PortalSubjects.inviteAccept]: { invite_token: inviteForAccept.invite_token, email: 'invited@example.com', password: PASSWORD },
    [PortalSubjects.projectsList]: { session_token: s.owner },
    [PortalSubjects.projectsCreate]: { session_token: s.owner, name: 'another' },
    [PortalSubjects.projectsRename]: { session_token: s.owner, project_id: portalProject.project_id, name: 'renamed' },
    [PortalSubjects.projectsArchive]: { session_token: s.owner, project_id: toArchive.project_id },
    [PortalSubjects.settingsGet]: { session_token: s.owner, project_id: portalProject.project_id },
    [PortalSubjects.settingsUpdate]: { session_token: s.owner, project_id: portalProject.project_id, settings: { access_token_ttl: 900 } },
    [PortalSubjects.credentialsList]: { session_token: s.owner, project_id: portalProject.project_id },
    [PortalSubjects.credentialsCreate]: { session_token: s.owner, project_id: portalProject.project_id, name: 'another' },
    [PortalSubjects.credentialsRoll]: { session_token: s.owner, project_id: portalProject.project_id, client_id: toRoll.client_id, old_expires_at: new Date(Date.now() + 3_600_000).toISOString() },
    [PortalSubjects.credentialsRevoke]: { session_token: s.owner, project_id: portalProject.project_id, client_id: toRevoke.client_id },
    [PortalSubjects.keysList]: { session_token: s.owner, project_id: portalProject.project_id },
    [PortalSubjects.keysRotate]: { session_token: s.owner, project_id: portalProject.project_id },
    [PortalSubjects.accessCheck]: { session_token: s.owner, project_id: portalProject.project_id },
    [PortalSubjects.tokenTry]: { session_token: s.owner, project_id: portalProject.project_id, client_id: toTry.client_id, client_secret: toTry.client_secret },
  });

  it('has a valid request for every subject it serves, and serves every subject the table gives it', () => {
    expect(Object.keys(good()).sort()).toEqual([...SERVED].sort());
  });

  it.each(SERVED)('%s: every hostile payload is invalid_request; then a good request is answered within the contract', async (subject) => {
    expect(await hostilePayloadsNotRefused(nats, subject, good()[subject])).toEqual([]);
    await expect(requestChecked(nats, subject, good()[subject])).resolves.toBeDefined();
  });

  it('answers each item of a token batch as auth.v1.token.issue would answer it alone, in order', async () => {
    const ok = { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret };
    const refused = [
      { ...ok, client_secret: 'not the secret' },
      { ...ok, grant_type: 'password' },
      { ...ok, grant_type: 'entity_user', entity_user_id: 'not-a-uuid' },
    ];
    const alone = await Promise.all(refused.map((r) => nats.request(AuthSubjects.tokenIssue, r).catch((e: RemoteError) => e.body)));
    const items = [ok, ...refused, ok].map((request, i) => ({ request, request_id: `batch-item-${i}` }));
    const { results } = await nats.request<TokenIssueBatchResponse>(AuthSubjects.tokenIssueBatch, { items });
    expect(results).toHaveLength(5);
    expect(results.slice(1, 4)).toEqual(alone.map((err) => ({ err })));
    expect(alone.map((e) => e.code)).toEqual([ErrorCodes.invalidClient, ErrorCodes.unsupportedGrantType, ErrorCodes.invalidRequest]);
    const tokens = [results[0], results[4]].map((r) => ('response' in r ? r.response : { access_token: '' }));
    for (const t of tokens) expect(t).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), access_token: expect.any(String) });
    const jtis = tokens.map((t) => JSON.parse(Buffer.from(t.access_token.split('.')[1], 'base64url').toString()).jti);
    expect(new Set(jtis).size).toBe(2);
  });

  it('names where a payload is wrong', async () => {
    const err = await nats.request(AuthSubjects.tokenIssue, { grant_type: 'client_credentials', client_id: ['x'], client_secret: 's' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).body).toMatchObject({ code: ErrorCodes.invalidRequest, details: [expect.objectContaining({ path: ['client_id'] })] });
  });

  it('is still up and ready after all of it', async () => {
    expect(svc.process.exitStatus).toBeUndefined();
    expect((await fetch(svc.readyUrl)).status).toBe(200);
    expect(svc.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});
