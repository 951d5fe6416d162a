import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseName, maintenanceUrl, randomRunId } from '@gatehouse/supervisor';
import { HttpClient, recordSecret } from '@gatehouse/testing';
import { cleanUpLauncher, copyLogsToAudit, LauncherRun, launcherSetup, LauncherSetup, recordLauncherKek } from './support/launcher';

/** A password in the database URLs (the local server trusts anyway): no message may show it. */
const DB_PASSWORD = 'pw-never-shown-4f1c';
/** A stack frame, bare or behind a `name |` prefix. */
const STACK_FRAME = /^(?:\S+\s+\|)?\s+at \S.*:\d+:\d+\)?$/m;

/** `npm start` as a user runs it, in the background with no terminal (stdin closed). */
/** Starting every service through the launcher takes 10-30 s on a busy 2-core machine. */
const LAUNCH_TIMEOUT_MS = 120_000;

describe('npm start (the launcher)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  let setup: LauncherSetup;
  let first: LauncherRun;
  let firstProject = '';
  const runs: LauncherRun[] = [];
  const start = (args: string[] = []) => {
    const run = LauncherRun.start(setup, args);
    runs.push(run);
    return run;
  };

  beforeAll(async () => {
    setup = await launcherSetup(randomRunId(), join(scratch, 'data'), `postgres:${DB_PASSWORD}`);
    first = start();
  });

  afterAll(async () => {
    for (const run of runs) await run.shutdown();
    recordLauncherKek(setup);
    await cleanUpLauncher(setup);
    rmSync(scratch, { recursive: true, force: true });
  }, LAUNCH_TIMEOUT_MS);

  async function databaseExists(url: string): Promise<boolean> {
    const client = new Client({ connectionString: maintenanceUrl(url) });
    await client.connect();
    try {
      return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(url)])).rowCount === 1;
    } finally {
      await client.end();
    }
  }

  function mint(curl: string): { access_token: string; token_type: string; expires_in: number } {
    const answer = JSON.parse(execFileSync('bash', ['-c', curl], { encoding: 'utf8' }));
    recordSecret(answer.access_token);
    return answer;
  }

  it('starts everything and prints a first project, its client id and secret, the URL and a curl line that works', async () => {
    const welcome = await first.welcome();
    firstProject = welcome.projectId;
    expect(welcome.baseUrl).toBe(`https://localhost:${setup.gatewayPort}`);
    // The Partner Portal's URL, printed with the owner's sign-in, answers with its sign-in page.
    expect(welcome.portalUrl).toBe(`https://localhost:${setup.portalPort}`);
    const signIn = await new HttpClient(welcome.portalUrl, { caFile: join(setup.dataDir, 'tls', 'cert.pem') }).send('GET', '/login');
    expect(signIn.status).toBe(200);
    expect(signIn.text).toContain('<form');
    expect(first.output).toMatch(/shown once/i);
    // Beside them, the first partner's owner and a random password (128 bits), printed once.
    expect({ email: welcome.ownerEmail, password: welcome.ownerPassword }).toEqual({ email: 'owner@example.com', password: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(first.output.split(welcome.ownerPassword)).toHaveLength(2);
    expect(mint(welcome.curl)).toMatchObject({ token_type: 'Bearer', expires_in: 1800, access_token: expect.stringMatching(/^ey/) });
  }, LAUNCH_TIMEOUT_MS);

  it('stops cleanly on SIGTERM, children included', async () => {
    expect(await first.stop()).toBe(0);
    // Nothing listens on the gateway port any more.
    await expect(fetch(`https://127.0.0.1:${setup.gatewayPort}/health`)).rejects.toThrow();
  }, LAUNCH_TIMEOUT_MS);

  it('shows a person short lines, no JSON and no deprecation warning; each service kept every line as JSON in its log file', () => {
    expect(first.output).toMatch(/^gateway +\| \d\d:\d\d:\d\d gateway service ready /m);
    expect(first.output).not.toMatch(/^\w+ +\| \{/m);
    expect(first.output).not.toMatch(/FSTDEP|DeprecationWarning|FastifyWarning/);
    const gatewayLog = readFileSync(join(setup.dataDir, 'logs', 'gateway.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // The curl line's token request among them, and the last line before the exit.
    expect(gatewayLog).toContainEqual(expect.objectContaining({ msg: 'request', method: 'POST', path: '/v1/auth/token', status: 200 }));
    expect(gatewayLog.at(-1)).toMatchObject({ msg: 'shutting down', service: 'gateway' });
  });

  it('after the data dir is lost, auth refuses to start in one line naming the database, the variable and the way out', async () => {
    recordLauncherKek(setup);
    copyLogsToAudit(setup, 'first');
    rmSync(setup.dataDir, { recursive: true, force: true });

    const again = start();
    expect(await again.exited).toBe(1);
    recordLauncherKek(setup);
    const authDb = databaseName(setup.env.AUTH_DATABASE_URL);
    const cause = again.output.match(/^auth +\| auth: failed to start: (.*)$/m)?.[1];
    expect(cause).toBeDefined();
    expect(cause).toContain(`database ${authDb}`);
    expect(cause).toContain('were sealed under another AUTH_KEY_ENCRYPTION_KEY');
    expect(cause).toContain('npm start -- --reset');
    // The launcher's own report leads with that cause, not with a dump of the output.
    expect(again.output).toMatch(new RegExp(`^start +\\| auth could not start \\(exit code 78: configuration error\\): ${escape(cause ?? '')}$`, 'm'));
    expect(again.output).not.toMatch(STACK_FRAME);
    expect(again.output).not.toContain('Unsupported state');
    expect(again.output).not.toContain(DB_PASSWORD);
    copyLogsToAudit(setup, 'refused');
  }, LAUNCH_TIMEOUT_MS);

  it('--reset without a terminal and without --yes refuses, and drops nothing', async () => {
    const refused = start(['--reset']);
    expect(await refused.exited).toBe(1);
    expect(refused.output).toMatch(/^start +\| .*--reset needs a confirmation.*--yes/m);
    expect(refused.output).not.toMatch(STACK_FRAME);
    for (const db of setup.databases) expect(await databaseExists(db)).toBe(true);
  }, LAUNCH_TIMEOUT_MS);

  it('--reset --yes drops the local databases and the data dir, then starts over: a new first project and a working token', async () => {
    const reset = start(['--reset', '--yes']);
    const welcome = await reset.welcome();
    for (const db of setup.databases) expect(reset.output).toContain(`database ${databaseName(db)}`);
    expect(reset.output).not.toContain(DB_PASSWORD);
    expect(welcome.projectId).not.toBe(firstProject);
    expect(mint(welcome.curl)).toMatchObject({ token_type: 'Bearer', access_token: expect.stringMatching(/^ey/) });
    recordLauncherKek(setup);
    expect(await reset.stop()).toBe(0);
  }, LAUNCH_TIMEOUT_MS);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
