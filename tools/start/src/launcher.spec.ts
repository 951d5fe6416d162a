import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnvSchema, loadConfig } from '@gatehouse/platform';
import { freePort, repoRoot, ServiceSpec } from '@gatehouse/supervisor';
import type { Console } from './console';
import type { Welcome } from './first-run';
import { exitReport, Launcher, LauncherOptions } from './launcher';

/**
 * A stand-in service named after its file: serves GET /health/ready on
 * $<NAME>_PORT, prints the variables it was given, records its SIGTERM in
 * $ORDER_FILE, and fails on request ($<NAME>_CRASH_MS, $<NAME>_CONFIG_ERROR, $<NAME>_REFUSE: the cause).
 */
const SCRIPT = `
const http = require('node:http');
const fs = require('node:fs');
const name = require('node:path').basename(__filename, '.js');
const up = name.toUpperCase();
let server;
process.on('SIGTERM', () => {
  fs.appendFileSync(process.env.ORDER_FILE, name + '\\n');
  console.log('shutting down');
  fs.appendFileSync(process.env.LOG_FILE, JSON.stringify({ msg: 'shutting down' }) + '\\n');
  if (server) server.close(() => process.exit(0)); else process.exit(0);
});
console.log(JSON.stringify({ msg: 'starting', name, secret_len: (process.env[up + '_SECRET'] || '').length, url: process.env[up + '_URL'], log_file: process.env.LOG_FILE, log_format: process.env.LOG_FORMAT, log_access: process.env.LOG_ACCESS }));
if (process.env[up + '_REFUSE']) { console.error(name + ': failed to start: ' + process.env[up + '_REFUSE']); process.exit(78); }
if (process.env[up + '_CONFIG_ERROR']) { console.error(name + ': Invalid configuration: ' + up + '_X is required'); process.exit(78); }
server = http.createServer((req, res) => { res.statusCode = req.url === '/health/ready' ? 200 : 404; res.end('{}'); });
setTimeout(() => server.listen(Number(process.env[up + '_PORT']), '127.0.0.1'), 100);
const crash = Number(process.env[up + '_CRASH_MS'] || 0);
if (crash) setTimeout(() => { console.error(name + ': fatal: boom'); process.exit(3); }, crash);
`;

function recordingConsole() {
  const lines: string[] = [];
  const errors: string[] = [];
  const raw: string[] = [];
  const console: Console = {
    service: (name, line) => void lines.push(`${name}| ${line}`),
    info: (text) => void lines.push(`start| ${text}`),
    error: (text) => void errors.push(text),
    raw: (text) => void raw.push(text),
  };
  return { console, lines, errors, raw };
}

const WELCOME: Welcome = {
  kind: 'created',
  project: { project_id: 'p-1', name: 'My first project', created_at: 't' },
  credentials: { project_id: 'p-1', client_id: 'c-1', client_secret: 'the-secret', created_at: 't' },
  partner: { partner_id: 'pa-1', name: 'My organisation', created_at: 't' },
  owner: { member_id: 'm-1', partner_id: 'pa-1', email: 'owner@example.com', role: 'owner', created_at: 't', password: 'the-password' },
};

describe('Launcher', () => {
  let dir: string;
  let orderFile: string;
  const spec = (name: string): ServiceSpec => ({
    name,
    script: join(dir, `${name}.js`),
    health: {
      scheme: 'http',
      hostVar: `${name.toUpperCase()}_HOST`,
      defaultHost: '127.0.0.1',
      portVar: `${name.toUpperCase()}_PORT`,
      defaultPort: 1,
      path: '/health/ready',
    },
    env: { [`${name.toUpperCase()}_SECRET`]: '{kek}', [`${name.toUpperCase()}_URL`]: '{publicUrl}' },
    replicas: 1,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-launcher-'));
    orderFile = join(dir, 'order');
    writeFileSync(orderFile, '');
    for (const name of ['one', 'two']) writeFileSync(join(dir, `${name}.js`), SCRIPT);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function launcher(env: Record<string, string>, extra: Partial<LauncherOptions> = {}) {
    const rec = recordingConsole();
    const fullEnv = {
      ...env,
      ONE_PORT: String(await freePort()),
      TWO_PORT: String(await freePort()),
      ORDER_FILE: orderFile,
      GATEWAY_PORT: '9443',
    };
    const l = new Launcher({
      root: repoRoot(),
      env: fullEnv,
      config: loadConfig(baseEnvSchema, {}),
      services: [spec('one'), spec('two')],
      console: rec.console,
      dataDir: join(dir, 'data'),
      healthTimeoutMs: 10_000,
      stopTimeoutMs: 3_000,
      checkDependencies: async () => [],
      firstRun: async () => WELCOME,
      ...extra,
    });
    return { l, ...rec };
  }

  function firstLine(lines: string[], prefix: string): string {
    const line = lines.find((x) => x.startsWith(prefix));
    if (line === undefined) throw new Error(`no line starting with ${prefix}`);
    return line;
  }

  async function until(cond: () => boolean, ms = 10_000) {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('starts services in order with their variables, prints the welcome, and stops them in reverse on a signal', async () => {
    const { l, lines, raw, errors } = await launcher({});
    const run = l.run();
    await until(() => raw.length > 0);

    const started = lines.filter((x) => /^start\| (starting|\w+ ready)/.test(x)).map((x) => x.split(' on ')[0]);
    expect(started).toEqual(['start| starting one', 'start| one ready', 'start| starting two', 'start| two ready']);
    const hello = firstLine(lines, 'one| {');
    expect(JSON.parse(hello.slice(5))).toMatchObject({ secret_len: 44, url: 'https://localhost:9443' });
    expect(raw.join('')).toContain('the-secret');
    expect(raw.join('')).toContain('https://localhost:9443/v1/auth/token');

    // Each service writes its own JSON log in the data dir; the console gets short lines for a person.
    const logFile = join(dir, 'data', 'logs', 'one.log');
    expect(JSON.parse(hello.slice(5))).toMatchObject({ log_file: logFile, log_format: 'pretty' });
    expect(JSON.parse(hello.slice(5)).log_access).toBeUndefined();

    l.requestStop('SIGTERM');
    await expect(run).resolves.toBe(0);
    expect(readFileSync(orderFile, 'utf8')).toBe('two\none\n');
    expect(errors).toEqual([]);
    // Written by the service, not copied from its stdout by the launcher.
    expect(readFileSync(logFile, 'utf8')).toBe('{"msg":"shutting down"}\n');
  });

  it('passes LOG_FORMAT=json when the user asks for it, and LOG_ACCESS=lines with --access-log', async () => {
    const { l, lines, raw } = await launcher({ LOG_FORMAT: 'json' }, { accessLog: true });
    const run = l.run();
    await until(() => raw.length > 0);
    expect(JSON.parse(firstLine(lines, 'one| {').slice(5))).toMatchObject({ log_format: 'json', log_access: 'lines' });
    l.requestStop('SIGINT');
    await expect(run).resolves.toBe(0);
  });

  it('lets the user environment win over what the launcher provides', async () => {
    const { l, lines, raw } = await launcher({ ONE_SECRET: 'mine', ONE_URL: 'https://gw.example' });
    const run = l.run();
    await until(() => raw.length > 0);
    const hello = firstLine(lines, 'one| {');
    expect(JSON.parse(hello.slice(5))).toMatchObject({ secret_len: 4, url: 'https://gw.example' });
    l.requestStop('SIGINT');
    await expect(run).resolves.toBe(0);
  });

  it('reports a service that dies, stops the others and exits 1', async () => {
    const { l, errors, raw } = await launcher({ TWO_CRASH_MS: '700' });
    const run = l.run();
    await until(() => raw.length > 0);
    await expect(run).resolves.toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^two \(pid \d+\) exited unexpectedly \(exit code 3\)/);
    expect(errors[0]).toContain('two: fatal: boom');
    expect(readFileSync(orderFile, 'utf8')).toBe('one\n');
    // What it said on stderr is in its log file too, as a JSON record.
    const logged = readFileSync(join(dir, 'data', 'logs', 'two.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(logged).toEqual([expect.objectContaining({ level: 'error', service: 'two', stream: 'stderr', msg: 'two: fatal: boom' })]);
  });

  it('fails on a configuration error of a service while starting, with its message', async () => {
    const { l, errors, raw } = await launcher({ TWO_CONFIG_ERROR: '1' });
    await expect(l.run()).resolves.toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('exit code 78: configuration error');
    expect(errors[0]).toContain('two: Invalid configuration: TWO_X is required');
    expect(readFileSync(orderFile, 'utf8')).toBe('one\n');
    expect(raw).toEqual([]);
  });

  it('reports a service that refused to start with the one line it gave as the cause', async () => {
    const cause = 'the signing keys in database x were sealed under another KEY: restore it';
    const { l, errors, raw } = await launcher({ TWO_REFUSE: cause });
    await expect(l.run()).resolves.toBe(1);
    expect(errors).toEqual([`two could not start (exit code 78: configuration error): ${cause}`]);
    expect(readFileSync(orderFile, 'utf8')).toBe('one\n');
    expect(raw).toEqual([]);
  });

  it('starts nothing when a dependency is unreachable', async () => {
    const { l, errors, lines } = await launcher({}, { checkDependencies: async () => ['NATS is not reachable at x'] });
    await expect(l.run()).resolves.toBe(1);
    expect(errors).toEqual(['NATS is not reachable at x']);
    expect(lines.filter((x) => x.includes('starting'))).toEqual([]);
  });

  it('stops cleanly when the first-run step fails', async () => {
    const { l, errors } = await launcher({}, { firstRun: async () => Promise.reject(new Error('No responders')) });
    await expect(l.run()).resolves.toBe(1);
    expect(errors[0]).toContain('could not set up the first project through the auth service: No responders');
    expect(readFileSync(orderFile, 'utf8')).toBe('two\none\n');
  });

  it('a signal during start-up stops what started and exits 0', async () => {
    const { l, lines } = await launcher({});
    const run = l.run();
    await until(() => lines.some((x) => x.startsWith('one| ')));
    l.requestStop('SIGINT');
    await expect(run).resolves.toBe(0);
    expect(readFileSync(orderFile, 'utf8')).toBe('one\n');
  });
});

describe('exitReport', () => {
  const output = ['{"msg":"starting"}', 'two: failed to start: first', 'two: failed to start: the keys do not open: do this', ''].join('\n');

  it("leads with the service's own last failed-to-start line", () => {
    expect(exitReport('two', 7, { code: 78, signal: null }, output)).toBe(
      'two could not start (exit code 78: configuration error): the keys do not open: do this',
    );
  });

  it('otherwise gives the last lines of output', () => {
    expect(exitReport('one', 7, { code: 3, signal: null }, output)).toBe(
      'one (pid 7) exited unexpectedly (exit code 3). Its last output:\n' + output.replace(/^/gm, '    '),
    );
    expect(exitReport('one', 7, { code: null, signal: 'SIGKILL' }, '')).toBe(
      'one (pid 7) exited unexpectedly (signal SIGKILL). Its last output:\n    (none)',
    );
  });
});
