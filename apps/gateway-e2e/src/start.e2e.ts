import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, freePort, randomRunId, repoRoot } from '@gatehouse/supervisor';
import { auditDir, recordSecret } from './support/log-audit';

/** `npm start` as a user runs it, in the background with no terminal (stdin closed). */
describe('npm start (the launcher)', () => {
  const runId = randomRunId();
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  const db = `postgres://postgres@127.0.0.1:5432/gh_test_${runId}_start`;
  let child: ChildProcess;
  let output = '';
  let gatewayPort = 0;

  const waitFor = async (pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = output.match(pattern);
      if (m) return m;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    gatewayPort = await freePort();
    child = spawn(process.execPath, [join(repoRoot(), 'dist/tools/start/src/main.js')], {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GATEHOUSE_DATA_DIR: dataDir,
        NATS_SUBJECT_PREFIX: `start${runId}.`,
        AUTH_DATABASE_URL: db,
        AUTH_HTTP_PORT: String(await freePort()),
        GATEWAY_PORT: String(gatewayPort),
      },
    });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await dropDatabase(db).catch(() => undefined);
    // The launcher's service logs join the run's log audit before the folder goes.
    const audit = auditDir();
    const logs = join(dataDir, 'logs');
    if (audit && existsSync(logs)) {
      mkdirSync(join(audit, 'logs'), { recursive: true });
      for (const f of readdirSync(logs)) copyFileSync(join(logs, f), join(audit, 'logs', `start-${runId}-${f}`));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts everything and prints a first project, its client id and secret, the URL and a curl line that works', async () => {
    const curl = (await waitFor(/curl -sk -X POST \S+\/v1\/auth\/token .*$/m))[0];
    expect(output).toContain(`https://localhost:${gatewayPort}`);
    const secret = curl.match(/"client_secret":"([^"]+)"/)?.[1];
    expect(secret).toBeDefined();
    recordSecret(secret);
    expect(output).toMatch(/shown once/i);
    const answer = JSON.parse(execFileSync('bash', ['-c', curl], { encoding: 'utf8' }));
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 1800, access_token: expect.stringMatching(/^ey/) });
  });

  it('stops cleanly on SIGTERM, children included', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Nothing listens on the gateway port any more.
    await expect(fetch(`https://127.0.0.1:${gatewayPort}/health`)).rejects.toThrow();
  });
});
