import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo-root';
import { buildWorkspace } from './lone-service';
import { isAlive, spawnService } from './service-process';

/** Tiny stand-ins for a service, written at test time. */
const SCRIPTS = {
  // Prints, then runs until SIGTERM and exits cleanly, saying so.
  polite: `
    process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });
    console.log(JSON.stringify({ msg: 'started', env: process.env.GREETING }));
    console.error('a warning on stderr');
    setInterval(() => undefined, 1000);
  `,
  // Ignores SIGTERM: only SIGKILL ends it.
  stubborn: `
    process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
    console.log('ready');
    setInterval(() => undefined, 1000);
  `,
  // A service's own stop-with-the-supervisor (platform's, compiled), then runs until SIGTERM.
  supervised: `
    require('@gatehouse/platform').stopWhenSupervisorGoes();
    process.on('SIGTERM', () => process.exit(0));
    console.log('ready');
    setInterval(() => undefined, 1000);
  `,
  // A supervisor: starts 'supervised' with spawnService, says the child's pid, and waits.
  supervisor: `
    const { spawnService } = require('@gatehouse/supervisor');
    const child = spawnService({ name: 'child', script: process.env.CHILD, env: {}, onLine: (line) => line === 'ready' && console.log('child ' + child.pid) });
    setInterval(() => undefined, 1000);
  `,
  // Many lines, then a failure.
  chatty: `
    for (let i = 0; i < 300; i++) console.log('line ' + i);
    console.error('fatal: boom');
    process.exit(3);
  `,
};

describe('spawnService', () => {
  let dir: string;
  const script = (name: keyof typeof SCRIPTS) => {
    const file = join(dir, `${name}.js`);
    writeFileSync(file, SCRIPTS[name]);
    return file;
  };
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'gh-spawn-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the repository root (the directory with nx.json)', () => {
    expect(readFileSync(join(repoRoot(), 'nx.json'), 'utf8')).toContain('"plugins"');
  });

  it('runs a script with the merged environment, reports its lines and stops it with SIGTERM', async () => {
    const lines: Array<[string, string]> = [];
    const logFile = join(dir, 'logs', 'polite.log');
    const proc = spawnService({
      name: 'polite',
      script: script('polite'),
      env: { GREETING: 'hello' },
      logFile,
      onLine: (line, stream) => lines.push([stream, line]),
    });
    expect(proc.name).toBe('polite');
    expect(proc.pid).toBeGreaterThan(0);
    await waitUntil(() => lines.length >= 2);
    expect(proc.exitStatus).toBeUndefined();

    const status = await proc.stop();

    expect(status).toEqual({ code: 0, signal: null });
    expect(proc.exitStatus).toEqual(status);
    expect(lines).toContainEqual(['stdout', JSON.stringify({ msg: 'started', env: 'hello' })]);
    expect(lines).toContainEqual(['stderr', 'a warning on stderr']);
    expect(lines).toContainEqual(['stdout', 'stopping']);
    expect(proc.recentOutput()).toContain('stopping');
    expect(readFileSync(logFile, 'utf8')).toContain('a warning on stderr\n');
    // Stopping again is harmless.
    await expect(proc.stop()).resolves.toEqual(status);
  });

  it('sends SIGKILL when the process outlives the timeout', async () => {
    const proc = spawnService({ name: 'stubborn', script: script('stubborn'), env: {} });
    await waitUntil(() => proc.recentOutput().includes('ready'));

    const started = Date.now();
    const status = await proc.stop('SIGTERM', 300);

    expect(status).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(proc.recentOutput()).toContain('ignoring SIGTERM');
  });

  it('kill9 ends the process at once', async () => {
    const proc = spawnService({ name: 'polite', script: script('polite'), env: {} });
    await waitUntil(() => proc.recentOutput().includes('started'));
    proc.kill9();
    await expect(proc.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('keeps only the last 200 lines of output', async () => {
    const proc = spawnService({ name: 'chatty', script: script('chatty'), env: {} });
    await expect(proc.exited).resolves.toEqual({ code: 3, signal: null });

    const lines = proc.recentOutput().split('\n');
    expect(lines).toHaveLength(200);
    expect(lines[lines.length - 1]).toBe('fatal: boom');
    expect(lines).not.toContain('line 0');
    expect(lines).toContain('line 299');
  });

  it('a child stops when its supervisor dies, even by SIGKILL (its stdin ends)', async () => {
    buildWorkspace(); // both scripts use the compiled libs
    const lines: string[] = [];
    const supervisor = spawnService({ name: 'supervisor', script: script('supervisor'), env: { CHILD: script('supervised') }, onLine: (line) => lines.push(line) });
    await waitUntil(() => lines.some((l) => l.startsWith('child ')), 30_000);
    const pid = Number(lines.find((l) => l.startsWith('child '))!.split(' ')[1]);
    expect(isAlive(pid)).toBe(true);
    supervisor.kill9();
    await supervisor.exited;
    await waitUntil(() => !isAlive(pid), 10_000);
  }, 120_000);

  it('reports a script that does not exist through its exit and output', async () => {
    const proc = spawnService({ name: 'ghost', script: join(dir, 'missing.js'), env: {} });
    const status = await proc.exited;
    expect(status.code).not.toBe(0);
    expect(proc.recentOutput()).toMatch(/Cannot find module/);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
