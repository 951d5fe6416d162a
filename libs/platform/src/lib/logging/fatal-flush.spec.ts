import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A crash loses no line: a process that logs a burst of lines to its LOG_FILE
 * (asynchronously) and then throws finds every one in the file, and the cause as
 * `fatal`, and exits 1 with the stack on stderr as Node would. Runs the compiled
 * platform (dist/, after `npm run build`) in a process of its own.
 */
describe('an uncaught exception (logFatalErrors)', () => {
  const root = resolve(__dirname, '../../../../..');
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gh-fatal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every buffered line and the fatal one before the exit', async () => {
    const N = 20_000;
    const file = join(dir, 'svc.log');
    const script = `
      const { createServiceLogs, logFatalErrors } = require('@gatehouse/platform');
      const logs = createServiceLogs('svc', { LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', LOG_ACCESS: 'summary', LOG_FILE: process.env.FILE });
      logFatalErrors(logs);
      for (let i = 0; i < ${N}; i++) logs.logger.info({ i }, 'line');
      setImmediate(() => { throw new Error('boom at the end'); });
    `;
    const result = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = execFile(process.execPath, ['-r', join(root, 'tools/runtime/register-paths.js'), '-e', script], { cwd: root, env: { ...process.env, FILE: file } }, (_err, _stdout, stderr) =>
        done({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: boom at the end');

    const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; i?: number; level: string; err?: { message: string } });
    expect(records.filter((r) => r.msg === 'line').map((r) => r.i)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(records.at(-1)).toMatchObject({ level: 'fatal', msg: 'uncaught exception', err: { message: 'boom at the end' } });
  }, 30_000);
});
