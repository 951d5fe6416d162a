import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestSystem } from './support/system';

/**
 * The gateway as `npm start` runs it (LOG_FORMAT=pretty, LOG_FILE): every request
 * in its JSON log file, written asynchronously, and none lost when SIGTERM comes
 * right after the last response; the console is left to a person.
 */
describe('logs', () => {
  const N = 3_000;
  const PARALLEL = 50;
  let dir: string;
  let logFile: string;
  let sys: TestSystem;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-logs-e2e-'));
    logFile = join(dir, 'logs', 'gateway.log');
    sys = await TestSystem.start({ env: { gateway: { LOG_FILE: logFile, LOG_FORMAT: 'pretty' } } });
  });
  afterAll(async () => {
    await sys?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts without a deprecation warning from Node or Fastify', () => {
    expect(sys.lines.filter((l) => /FSTDEP|DeprecationWarning|FastifyWarning/.test(l))).toEqual([]);
  });

  it('keeps every request in the file when SIGTERM follows the last response, and keeps them off the console', async () => {
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < N) {
          const id = `sigterm-${next++}`;
          const res = await sys.http.get('/health', { headers: { 'x-request-id': id }, version: null });
          statuses.push(res.status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const gateway = sys.process('gateway');
    await sys.stopService('gateway'); // SIGTERM, then waits for the exit
    expect(gateway.exitStatus).toEqual({ code: 0, signal: null });

    const records = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { msg?: string; request_id?: string; status?: number });
    const ids = new Set(records.filter((r) => r.msg === 'request' && r.request_id?.startsWith('sigterm-')).map((r) => r.request_id));
    expect(ids.size).toBe(N);
    expect(records.some((r) => r.msg === 'gateway service ready')).toBe(true);
    expect(records.at(-1)?.msg).toBe('shutting down');

    // On the console: the service's events as short lines, no request line.
    expect(sys.lines.filter((l) => l.includes('sigterm-'))).toEqual([]);
    expect(sys.lines.some((l) => /^\d\d:\d\d:\d\d gateway service ready /.test(l))).toBe(true);
  });
});
