import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomRunId, repoRoot } from '@gatehouse/supervisor';
import { cleanUpLauncher, LauncherRun, launcherSetup, LauncherSetup, recordLauncherKek } from './support/launcher';
import { recordSecret } from '@gatehouse/testing';
import {
  curlSteps,
  parseRecording,
  RECORDING_PRELUDE,
  RecordedCall,
  statusMatches,
  walkthroughBlock,
  withCredentials,
} from './support/readme-walkthrough';

/**
 * The README's curl walk-through, read from README.md and run with bash as a
 * reader pastes it, against `npm start` with the credentials it printed: every
 * call must answer what the block says (2xx, or the status in its comment).
 */
/** Starting every service through the launcher takes 10-30 s on a busy 2-core machine. */
const LAUNCH_TIMEOUT_MS = 120_000;

describe('README: a walk-through with curl', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
  let setup: LauncherSetup;
  let launcher: LauncherRun;

  beforeAll(async () => {
    setup = await launcherSetup(randomRunId(), join(scratch, 'data'));
    launcher = LauncherRun.start(setup);
  });

  afterAll(async () => {
    if (launcher) await launcher.shutdown();
    recordLauncherKek(setup);
    await cleanUpLauncher(setup);
    rmSync(scratch, { recursive: true, force: true });
  }, LAUNCH_TIMEOUT_MS);

  it('runs as pasted against `npm start`: every call answers what the block says', async () => {
    const welcome = await launcher.welcome();
    const block = walkthroughBlock(readFileSync(join(repoRoot(), 'README.md'), 'utf8'));
    const steps = curlSteps(block);
    expect(steps.length).toBeGreaterThan(10);

    const script = join(scratch, 'walkthrough.sh');
    const log = join(scratch, 'walkthrough.log');
    writeFileSync(script, RECORDING_PRELUDE + withCredentials(block.code, welcome) + '\n');
    writeFileSync(log, '');
    const run = spawnSync('bash', [script], {
      cwd: scratch,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, WALKTHROUGH_LOG: log },
    });
    const calls = parseRecording(readFileSync(log, 'utf8'));
    // Every token the walk-through minted joins the log audit.
    for (const c of calls) recordSecret(tryJson(c.body)?.access_token);

    const report = describeRun(steps, calls);
    expect({ exit: run.status, stderr: run.stderr, report }).toEqual({ exit: 0, stderr: '', report: [] });
    expect(calls).toHaveLength(steps.length);

    // The answers hang together: the user token is the created user's, in the created entity.
    const created = (method: string, path: string) =>
      tryJson(calls.find((c) => c.method === method && new URL(c.url).pathname === path)?.body ?? '');
    const entity = created('POST', '/v1/entities');
    const user = created('POST', '/v1/entity_users');
    const me = created('GET', '/v1/entity_users/me');
    expect(entity?.id).toEqual(expect.any(String));
    expect(user?.id).toEqual(expect.any(String));
    expect(me).toMatchObject({ id: user.id });
    const role = created('GET', '/v1/entity_users/my_role');
    expect(role?.id).toBe(user.role_id);
    // Every answer is JSON (no HTML error page, no empty body).
    expect(calls.filter((c) => tryJson(c.body) === undefined).map((c) => `${c.method} ${c.url}`)).toEqual([]);
  }, LAUNCH_TIMEOUT_MS);

  /** One line per call that did not answer as the README says (empty: all good). */
  function describeRun(steps: ReturnType<typeof curlSteps>, calls: RecordedCall[]): string[] {
    const problems: string[] = [];
    steps.forEach((step, i) => {
      const call = calls[i];
      const where = `README.md:${step.line}: ${step.command.slice(0, 100)}`;
      if (!call) problems.push(`${where}\n    never ran`);
      else if (!statusMatches(call.status, step.expected)) {
        problems.push(`${where}\n    answered ${call.status} (expected ${step.expected}): ${call.body.slice(0, 200)}`);
      }
    });
    return problems;
  }
});

function tryJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
