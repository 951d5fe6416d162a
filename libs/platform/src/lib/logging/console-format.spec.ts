import { clock, formatAccessSummary, formatConsoleLine } from './console-format';

describe('the console of a person (LOG_FORMAT=pretty)', () => {
  // 03:04:05 local time, whatever the machine's time zone.
  const time = new Date(2026, 0, 2, 3, 4, 5).toISOString();

  it('shows the local time of the line', () => {
    expect(clock(time)).toBe('03:04:05');
    expect(clock(undefined, () => new Date(2026, 0, 2, 23, 59, 1))).toBe('23:59:01');
  });

  it('one short line: no level for info, no service, pid or time fields; the other fields as key=value', () => {
    const line = formatConsoleLine({ level: 'info', time, service: 'gateway', pid: 42, msg: 'gateway service ready', port: 8443, host: '127.0.0.1' });
    expect(line).toBe('03:04:05 gateway service ready port=8443 host=127.0.0.1');
  });

  it('names any other level, quotes a value with spaces, shows an object as JSON and Nest\'s context in brackets', () => {
    const line = formatConsoleLine({ level: 'debug', time, msg: 'mapped', context: 'RouterExplorer', why: 'two words', migrations: ['a', 'b'] });
    expect(line).toBe('03:04:05 DEBUG [RouterExplorer] mapped why="two words" migrations=["a","b"]');
  });

  it('a warning or an error in full: its fields, the error message, and the stack on the lines below', () => {
    const err = new Error('connection refused');
    const line = formatConsoleLine({ level: 'error', time, msg: 'nats lost', err: { type: 'Error', message: err.message, stack: err.stack }, server: 'x:4222' });
    const [first, ...rest] = line.split('\n');
    expect(first).toBe('03:04:05 ERROR nats lost err="connection refused" server=x:4222');
    expect(rest.length).toBe(String(err.stack).split('\n').length);
    expect(rest[0]).toBe(`    ${String(err.stack).split('\n')[0]}`);
  });

  it("keeps an info line's stack off the console (the file has it)", () => {
    const line = formatConsoleLine({ level: 'info', time, msg: 'retrying', err: { message: 'timeout', stack: 'Error: timeout\n    at x' } });
    expect(line).toBe('03:04:05 retrying err=timeout');
  });

  it('summarises the requests of an interval: count, by status, the slowest', () => {
    const statuses = new Map([
      [401, 34],
      [200, 1200],
    ]);
    expect(formatAccessSummary({ total: 1234, statuses, maxMs: 40.4 }, 10, time)).toBe('03:04:05 1,234 requests in 10 s (200×1,200 401×34), slowest 40 ms');
    expect(formatAccessSummary({ total: 1, statuses: new Map([[404, 1]]), maxMs: 2 }, 10, time)).toBe('03:04:05 1 request in 10 s (404×1), slowest 2 ms');
  });
});
