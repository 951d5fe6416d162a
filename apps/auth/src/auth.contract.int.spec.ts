import {
  AuthSubjects,
  CredentialsCreatedResponse,
  ErrorCodes,
  ProjectView,
  SUBJECT_TABLE,
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

  beforeAll(async () => {
    buildWorkspace();
    svc = await startLoneService('auth');
    nats = await NatsService.connect({ url: svc.natsUrl, name: 'auth-contract-test', prefix: svc.prefix, requestTimeoutMs: 10_000, logger: createLogger('test', 'silent') });
    project = await requestChecked<ProjectView>(nats, AuthSubjects.projectCreate, { name: 'contract' });
    cred = await requestChecked<CredentialsCreatedResponse>(nats, AuthSubjects.credentialsCreate, { project_id: project.project_id });
    spare = await requestChecked<CredentialsCreatedResponse>(nats, AuthSubjects.credentialsCreate, { project_id: project.project_id });
  }, 180_000);

  afterAll(async () => {
    await nats?.close();
    await svc?.stop();
  });

  /** A valid request per subject, with only its required fields (so dropping any one makes it invalid). */
  const good = (): Record<string, unknown> => ({
    [AuthSubjects.tokenIssue]: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret },
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
  });

  it('has a valid request for every subject it serves, and serves every subject the table gives it', () => {
    expect(Object.keys(good()).sort()).toEqual([...SERVED].sort());
  });

  it.each(SERVED)('%s: every hostile payload is invalid_request; then a good request is answered within the contract', async (subject) => {
    expect(await hostilePayloadsNotRefused(nats, subject, good()[subject])).toEqual([]);
    await expect(requestChecked(nats, subject, good()[subject])).resolves.toBeDefined();
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
