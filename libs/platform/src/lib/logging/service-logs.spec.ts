import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServiceLogs, LogSettings } from './service-logs';

describe('createServiceLogs', () => {
  let dir: string;
  let file: string;
  let console: string[];
  const settings = (s: Partial<LogSettings>): LogSettings => ({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', LOG_ACCESS: 'summary', LOG_FILE: file, ...s });
  const lines = () => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const request = { request_id: 'r', method: 'GET', path: '/x', status: 200, ms: 3 };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-logs-'));
    file = join(dir, 'logs', 'svc.log');
    console = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('pretty: every line as JSON in the file (its directory created), short lines on the console, the requests only counted there', async () => {
    const logs = createServiceLogs('svc', settings({}), { console: (t) => void console.push(t), summaryIntervalMs: 60_000 });
    logs.logger.info({ port: 1 }, 'ready');
    logs.logger.info({ password: 'hunter2' }, 'with a secret');
    for (let i = 0; i < 3; i++) logs.access.record({ ...request, status: i ? 200 : 404 });
    expect(logs.access.enabled).toBe(true);
    await logs.flush();

    const logged = lines();
    expect(logged.map((l) => l.msg)).toEqual(['ready', 'with a secret', 'request', 'request', 'request']);
    expect(logged[0]).toMatchObject({ level: 'info', service: 'svc', port: 1 });
    expect(logged[1].password).toBe('[redacted]');
    expect(console.map((l) => l.replace(/^\S+ /, ''))).toEqual(['ready port=1\n', 'with a secret password=[redacted]\n']);

    logs.close(); // prints what the summary counted
    expect(console[2]).toMatch(/ 3 requests in 60 s \(200×2 404×1\), slowest 3 ms\n$/);
  });

  it('pretty with LOG_ACCESS=lines: each request on the console too', async () => {
    const logs = createServiceLogs('svc', settings({ LOG_ACCESS: 'lines' }), { console: (t) => void console.push(t) });
    logs.access.record(request);
    await logs.flush();
    logs.close();
    expect(console).toHaveLength(1);
    expect(console[0]).toContain('request request_id=r method=GET path=/x status=200 ms=3');
    expect(lines()).toHaveLength(1);
  });

  it('above info: no access log at all (the gateway adds no hook), warnings still written', async () => {
    const logs = createServiceLogs('svc', settings({ LOG_LEVEL: 'warn' }), { console: (t) => void console.push(t) });
    expect(logs.access.enabled).toBe(false);
    logs.logger.info('not this');
    logs.logger.warn('this');
    await logs.flush();
    logs.close();
    expect(lines().map((l) => l.msg)).toEqual(['this']);
    expect(console).toHaveLength(1);
  });
});
