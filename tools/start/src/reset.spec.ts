import { baseEnvSchema, loadConfig } from '@gatehouse/platform';
import type { Console } from './console';
import { CONFIRM_QUESTION, describePlan, isLocalHost, planReset, remoteTargets, resetInstallation, ResetActions, ResetPlan } from './reset';
import { SERVICES } from '@gatehouse/supervisor';

const config = loadConfig(baseEnvSchema, { NATS_SUBJECT_PREFIX: 'dev.' });

function plan(env: NodeJS.ProcessEnv = {}, natsUrl?: string): ResetPlan {
  const c = natsUrl ? loadConfig(baseEnvSchema, { NATS_URL: natsUrl }) : config;
  return planReset(SERVICES, env, c, '/home/dev/gatehouse/.data');
}

function recording() {
  const info: string[] = [];
  const errors: string[] = [];
  const console: Console = {
    service: () => undefined,
    info: (t) => void info.push(t),
    error: (t) => void errors.push(t),
    raw: () => undefined,
  };
  return { console, info, errors };
}

function fakeActions(overrides: Partial<ResetActions> = {}) {
  const done: string[] = [];
  const actions: ResetActions = {
    checkDependencies: async () => [],
    connectionsTo: async () => 0,
    listDataDir: () => ['secrets', 'tls', 'logs'],
    confirm: undefined,
    dropDatabase: async (url) => void done.push(`drop ${url}`),
    deleteStream: async (name) => (done.push(`stream ${name}`), true),
    removeDataDir: (dir) => void done.push(`rm ${dir}`),
    sleep: async () => undefined,
    ...overrides,
  };
  return { actions, done };
}

const go = { yes: true, allowRemote: false, natsAuth: {} };

describe('--reset: the plan', () => {
  it("names the services' databases, identity's stream of the prefix and the data dir", () => {
    const p = plan({ AUTH_DATABASE_URL: 'postgres://u:pw@127.0.0.1:5433/mine_auth' });
    expect(p.databases).toEqual([
      { urlVar: 'AUDIT_DATABASE_URL', url: 'postgres://postgres@127.0.0.1:5432/gatehouse_audit', name: 'gatehouse_audit', server: '127.0.0.1:5432' },
      { urlVar: 'AUTH_DATABASE_URL', url: 'postgres://u:pw@127.0.0.1:5433/mine_auth', name: 'mine_auth', server: '127.0.0.1:5433' },
      {
        urlVar: 'IDENTITY_DATABASE_URL',
        url: 'postgres://postgres@127.0.0.1:5432/gatehouse_identity',
        name: 'gatehouse_identity',
        server: '127.0.0.1:5432',
      },
    ]);
    expect(p.nats).toEqual({ url: 'nats://127.0.0.1:4222', server: '127.0.0.1:4222', streams: ['dev_IDENTITY_EVENTS', 'dev_AUDIT'] });
    expect(p.dataDir).toBe('/home/dev/gatehouse/.data');
    const text = describePlan(p);
    expect(text).toContain('database mine_auth on 127.0.0.1:5433 (AUTH_DATABASE_URL)');
    expect(text).toContain('database gatehouse_identity');
    expect(text).toContain('/home/dev/gatehouse/.data');
    expect(text).not.toContain('pw');
  });

  it('tells this machine from another', () => {
    for (const local of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', 'db.localhost', '']) expect(isLocalHost(local)).toBe(true);
    for (const remote of ['db.example.com', '10.0.0.5', '[2001:db8::1]', 'localhost.example.com']) expect(isLocalHost(remote)).toBe(false);
    expect(remoteTargets(plan())).toEqual([]);
    expect(
      remoteTargets(plan({ IDENTITY_DATABASE_URL: 'postgres://postgres@db.example.com:5432/gatehouse_identity' }, 'nats://[::1]:4222')),
    ).toEqual(['IDENTITY_DATABASE_URL (db.example.com:5432)']);
    expect(remoteTargets(plan({}, 'nats://nats.example.com:4222'))).toEqual(['NATS_URL (nats.example.com:4222)']);
  });
});

describe('--reset: checks, question, drops', () => {
  it('with --yes: drops every database, the stream and the data dir, in that order, and says so', async () => {
    const { actions, done } = fakeActions();
    const out = recording();
    await expect(resetInstallation(plan(), go, actions, out.console)).resolves.toBe(true);
    expect(done).toEqual([
      'drop postgres://postgres@127.0.0.1:5432/gatehouse_audit',
      'drop postgres://postgres@127.0.0.1:5432/gatehouse_auth',
      'drop postgres://postgres@127.0.0.1:5432/gatehouse_identity',
      'stream dev_IDENTITY_EVENTS',
      'stream dev_AUDIT',
      'rm /home/dev/gatehouse/.data',
    ]);
    expect(out.errors).toEqual([]);
    expect(out.info[0]).toBe(describePlan(plan()));
  });

  it('refuses a database or NATS on another machine unless --allow-remote, dropping nothing', async () => {
    const remote = plan({ AUTH_DATABASE_URL: 'postgres://admin:pw@db.example.com:5432/gatehouse_auth' });
    const { actions, done } = fakeActions();
    const out = recording();
    await expect(resetInstallation(remote, go, actions, out.console)).resolves.toBe(false);
    expect(done).toEqual([]);
    expect(out.errors).toEqual([
      '--reset refused: AUTH_DATABASE_URL (db.example.com:5432) is not on this machine. ' +
        'Production never resets; to wipe a development server anyway, add --allow-remote.',
    ]);

    await expect(resetInstallation(remote, { ...go, allowRemote: true }, actions, recording().console)).resolves.toBe(true);
    expect(done).toContain('drop postgres://admin:pw@db.example.com:5432/gatehouse_auth');
  });

  it('without a terminal and without --yes: shows the plan, refuses, drops nothing', async () => {
    const { actions, done } = fakeActions({ confirm: undefined });
    const out = recording();
    await expect(resetInstallation(plan(), { ...go, yes: false }, actions, out.console)).resolves.toBe(false);
    expect(done).toEqual([]);
    expect(out.info).toEqual([describePlan(plan())]);
    expect(out.errors[0]).toMatch(/^--reset needs a confirmation .*add --yes\. Nothing was dropped\.$/);
  });

  it('on a terminal: asks, and drops only on a yes', async () => {
    const asked: string[] = [];
    const no = fakeActions({ confirm: async (q) => (asked.push(q), false) });
    const out = recording();
    await expect(resetInstallation(plan(), { ...go, yes: false }, no.actions, out.console)).resolves.toBe(false);
    expect(asked).toEqual([CONFIRM_QUESTION]);
    expect(no.done).toEqual([]);
    expect(out.info).toContain('Not confirmed: nothing was dropped.');

    const yes = fakeActions({ confirm: async () => true });
    await expect(resetInstallation(plan(), { ...go, yes: false }, yes.actions, recording().console)).resolves.toBe(true);
    expect(yes.done).toHaveLength(6);
  });

  it('refuses a data dir holding what Gatehouse did not put there (GATEHOUSE_DATA_DIR=$HOME)', async () => {
    const { actions, done } = fakeActions({ listDataDir: () => ['secrets', '.bashrc', 'projects'] });
    const out = recording();
    await expect(resetInstallation(plan(), go, actions, out.console)).resolves.toBe(false);
    expect(done).toEqual([]);
    expect(out.errors[0]).toContain('(.bashrc, projects)');
  });

  it('refuses while a database is in use, after letting just-stopped sessions go', async () => {
    let calls = 0;
    const leaving = fakeActions({ connectionsTo: async () => (++calls <= 2 ? 1 : 0) });
    await expect(resetInstallation(plan(), go, leaving.actions, recording().console)).resolves.toBe(true);

    const busy = fakeActions({ connectionsTo: async (url) => (url.endsWith('gatehouse_identity') ? 3 : 0) });
    const out = recording();
    await expect(resetInstallation(plan(), go, busy.actions, out.console)).resolves.toBe(false);
    expect(busy.done).toEqual([]);
    expect(out.errors[0]).toMatch(/^--reset refused: database gatehouse_identity on 127\.0\.0\.1:5432 is in use \(3 sessions\)/);
  });

  it('starts nothing and drops nothing when PostgreSQL or NATS is unreachable', async () => {
    const { actions, done } = fakeActions({ checkDependencies: async () => ['NATS is not reachable at 127.0.0.1:4222'] });
    const out = recording();
    await expect(resetInstallation(plan(), go, actions, out.console)).resolves.toBe(false);
    expect(done).toEqual([]);
    expect(out.errors).toEqual(['NATS is not reachable at 127.0.0.1:4222']);
  });
});
