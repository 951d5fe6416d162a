import { AuthSubjects, ErrorCodes } from '@gatehouse/contracts';
import { RemoteError } from '@gatehouse/platform';
import { notReachable } from './auth-client';
import { runCli } from './main';

const PROJECT = { project_id: '0b7c2a52-4f0e-4b7f-9c1e-8d2f3a4b5c6d', name: 'Acme', created_at: '2026-01-01T00:00:00.000Z' };
const CREDS = {
  project_id: PROJECT.project_id,
  client_id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  client_secret: 'c2VjcmV0LXNob3duLW9uY2U',
  created_at: '2026-01-01T00:00:01.000Z',
};

type Handler = (data: any) => unknown;

function harness(handlers: Record<string, Handler>, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: Array<[string, unknown]> = [];
  let closed = 0;
  let connects = 0;
  const deps = {
    io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) },
    env,
    connect: async () => {
      connects += 1;
      return {
        async request<Res>(subject: string, data: unknown): Promise<Res> {
          calls.push([subject, data]);
          const h = handlers[subject];
          if (!h) throw new RemoteError({ code: ErrorCodes.unavailable, message: 'Service temporarily unavailable' });
          return h(data) as Res;
        },
        close: async () => void (closed += 1),
      };
    },
  };
  return {
    run: (...argv: string[]) => runCli(argv, deps),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    calls,
    closed: () => closed,
    connects: () => connects,
  };
}

const fail = (code: string, message: string) => () => {
  throw new RemoteError({ code: code as any, message });
};

describe('runCli', () => {
  it('project create --json: one JSON object with the project and its first credentials', async () => {
    const h = harness({
      [AuthSubjects.projectCreate]: () => PROJECT,
      [AuthSubjects.credentialsCreate]: () => CREDS,
    });

    await expect(h.run('project', 'create', '--name', 'Acme', '--json')).resolves.toBe(0);

    expect(h.stdout().endsWith('\n')).toBe(true);
    expect(h.stdout().trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(h.stdout())).toMatchObject({
      project_id: PROJECT.project_id,
      client_id: CREDS.client_id,
      client_secret: CREDS.client_secret,
    });
    expect(h.stderr()).toBe('');
    expect(h.calls).toEqual([
      [AuthSubjects.projectCreate, { name: 'Acme' }],
      [AuthSubjects.credentialsCreate, { project_id: PROJECT.project_id }],
    ]);
    expect(h.closed()).toBe(1);
  });

  it('partners create, members create: the member’s random password shown once', async () => {
    const partner = { partner_id: '1b7c2a52-4f0e-4b7f-9c1e-8d2f3a4b5c6d', name: 'Acme Ltd', created_at: '2026-01-01T00:00:00.000Z' };
    const member = { member_id: '2b7c2a52-4f0e-4b7f-9c1e-8d2f3a4b5c6d', partner_id: partner.partner_id, email: 'boss@acme.test', role: 'owner', created_at: partner.created_at, password: 'cmFuZG9tLXBhc3N3b3Jk' };
    const h = harness({ [AuthSubjects.partnersCreate]: () => partner, [AuthSubjects.membersCreate]: () => member });
    await expect(h.run('partners', 'create', '--name', 'Acme Ltd')).resolves.toBe(0);
    expect(h.stdout()).toContain(`members create --partner ${partner.partner_id}`);
    await expect(h.run('members', 'create', '--partner', partner.partner_id, '--email', 'boss@acme.test')).resolves.toBe(0);
    expect(h.stdout()).toContain(`password: ${member.password}`);
    expect(h.stdout()).toMatch(/shown once/);
    expect(h.calls).toEqual([
      [AuthSubjects.partnersCreate, { name: 'Acme Ltd' }],
      [AuthSubjects.membersCreate, { partner_id: partner.partner_id, email: 'boss@acme.test', role: 'owner' }],
    ]);
    await expect(h.run('members', 'create', '--partner', partner.partner_id, '--email', 'x@acme.test', '--role', 'admin')).resolves.toBe(1);
    expect(h.stderr()).toContain('--role must be one of owner, developer, viewer');
    await expect(h.run('members', 'create', '--partner', 'not-a-uuid', '--email', 'x@acme.test')).resolves.toBe(2);
  });

  it('credentials create: the secret in text with the shown-once note', async () => {
    const h = harness({ [AuthSubjects.credentialsCreate]: () => CREDS });
    await expect(h.run('credentials', 'create', '--project', PROJECT.project_id)).resolves.toBe(0);
    expect(h.stdout()).toContain(CREDS.client_secret);
    expect(h.stdout()).toMatch(/shown once/);
  });

  it('lists as {"projects": [...]} and {"credentials": [...]}', async () => {
    const cred = { client_id: CREDS.client_id, project_id: PROJECT.project_id, created_at: 't', revoked_at: null };
    const h = harness({
      [AuthSubjects.projectList]: () => ({ projects: [PROJECT] }),
      [AuthSubjects.credentialsList]: () => ({ credentials: [cred] }),
    });
    await h.run('--json', 'project', 'list');
    expect(JSON.parse(h.stdout())).toEqual({ projects: [PROJECT] });

    const h2 = harness({ [AuthSubjects.credentialsList]: () => ({ credentials: [cred] }) });
    await h2.run('credentials', 'list', '--project', PROJECT.project_id, '--json');
    expect(JSON.parse(h2.stdout())).toEqual({ credentials: [cred] });
    expect(h2.calls).toEqual([[AuthSubjects.credentialsList, { project_id: PROJECT.project_id }]]);
  });

  it('revokes and rotates', async () => {
    const revoked = { client_id: CREDS.client_id, project_id: PROJECT.project_id, created_at: 't', revoked_at: 'r' };
    const h = harness({
      [AuthSubjects.credentialsRevoke]: () => revoked,
      [AuthSubjects.keysRotate]: () => ({ kid: 'k-2', created_at: 't' }),
    });
    await expect(h.run('credentials', 'revoke', '--client-id', CREDS.client_id)).resolves.toBe(0);
    await expect(h.run('keys', 'rotate', '--json')).resolves.toBe(0);
    expect(h.calls).toEqual([
      [AuthSubjects.credentialsRevoke, { client_id: CREDS.client_id }],
      [AuthSubjects.keysRotate, {}],
    ]);
    expect(h.stdout()).toContain(`Client ${CREDS.client_id}`);
    expect(h.stdout()).toContain('{"kid":"k-2","created_at":"t"}');
  });

  it('ends every token of a project', async () => {
    const answer = { project_id: PROJECT.project_id, not_before: 1_800_000_000, until: 1_800_086_700 };
    const h = harness({ [AuthSubjects.projectRevokeTokens]: () => answer });
    await expect(h.run('tokens', 'revoke-all', '--project', PROJECT.project_id)).resolves.toBe(0);
    expect(h.calls).toEqual([[AuthSubjects.projectRevokeTokens, { project_id: PROJECT.project_id }]]);
    expect(h.stdout()).toContain(`project ${PROJECT.project_id} issued before 2027-01-15T08:00:00.000Z`);
    await expect(h.run('tokens', 'revoke-all', '--project', 'nope')).resolves.toBe(2);
  });

  it("reports the service's error: stderr, JSON error with --json, exit 1", async () => {
    const h = harness({ [AuthSubjects.credentialsList]: fail('not_found', 'No such project') });
    await expect(h.run('credentials', 'list', '--project', PROJECT.project_id, '--json')).resolves.toBe(1);
    expect(JSON.parse(h.stdout())).toEqual({ error: { code: 'not_found', message: 'No such project' } });
    expect(h.stderr()).toContain('No such project');

    const plain = harness({ [AuthSubjects.credentialsList]: fail('not_found', 'No such project') });
    await expect(plain.run('credentials', 'list', '--project', PROJECT.project_id)).resolves.toBe(1);
    expect(plain.stdout()).toBe('');
  });

  it('says the auth service is not reachable when nobody answers', async () => {
    const h = harness({}, { NATS_URL: 'nats://u:pw@10.0.0.5:4222' });
    await expect(h.run('project', 'list', '--json')).resolves.toBe(1);
    const { error } = JSON.parse(h.stdout());
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/^auth service not reachable on NATS at nats:\/\/10\.0\.0\.5:4222; is `npm start` running\?/);
    expect(error.message).not.toContain('pw');
  });

  it('says so too when NATS itself is down', async () => {
    const out: string[] = [];
    const code = await runCli(['project', 'list'], {
      io: { out: (t) => void out.push(t), err: (t) => void out.push(t) },
      env: {},
      connect: async (config) => {
        throw notReachable(config, 'CONNECTION_REFUSED');
      },
    });
    expect(code).toBe(1);
    expect(out.join('')).toContain('auth service not reachable on NATS at nats://127.0.0.1:4222; is `npm start` running?');
  });

  it('names the project when its first credentials could not be created', async () => {
    const h = harness({
      [AuthSubjects.projectCreate]: () => PROJECT,
      [AuthSubjects.credentialsCreate]: fail('internal', 'Internal server error'),
    });
    await expect(h.run('project', 'create', '--name', 'Acme')).resolves.toBe(1);
    expect(h.stderr()).toContain(`project ${PROJECT.project_id} was created`);
    expect(h.stderr()).toContain(`credentials create --project ${PROJECT.project_id}`);
  });

  it('usage errors exit 2 without connecting', async () => {
    const h = harness({});
    await expect(h.run('project', 'create')).resolves.toBe(2);
    expect(h.stdout()).toBe('');
    expect(h.stderr()).toContain('missing --name <name>');
    expect(h.stderr()).toContain('npm run cli -- project create --help');

    await expect(h.run('frob', '--json')).resolves.toBe(2);
    expect(JSON.parse(h.stdout())).toEqual({ error: { code: 'usage_error', message: 'unknown command "frob"' } });
    expect(h.connects()).toBe(0);
  });

  it('help exits 0 without connecting', async () => {
    const h = harness({});
    await expect(h.run('--help')).resolves.toBe(0);
    expect(h.stdout()).toContain('credentials revoke --client-id <client-id>');
    await expect(h.run('project', 'create', '--help')).resolves.toBe(0);
    expect(h.stdout()).toContain('--name <name>');
    expect(h.connects()).toBe(0);
  });

  it('a configuration error exits 1 and names the variable', async () => {
    const h = harness({}, { NATS_SUBJECT_PREFIX: 'no-dot' });
    await expect(h.run('project', 'list', '--json')).resolves.toBe(1);
    const { error } = JSON.parse(h.stdout());
    expect(error.code).toBe('config_error');
    expect(error.message).toContain('NATS_SUBJECT_PREFIX');
    expect(h.connects()).toBe(0);
  });
});
