import { Writable } from 'node:stream';
import { createConsole, prefixer } from './console';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('console', () => {
  it('pads the service name so that lines align', () => {
    const p = prefixer(['auth', 'gateway'], false);
    expect(p('auth')).toBe('auth    |');
    expect(p('gateway')).toBe('gateway |');
  });

  it('colours prefixes only when asked', () => {
    const ESC = String.fromCharCode(27);
    const label = prefixer(['auth'], true)('auth');
    expect(label.startsWith(ESC + '[')).toBe(true);
    expect(label.endsWith(`auth  |${ESC}[0m`)).toBe(true);
  });

  it('passes service lines through to stdout with the prefix; errors go to stderr', () => {
    const out = sink();
    const err = sink();
    const c = createConsole(['auth', 'gateway'], out.stream, err.stream, false);
    c.service('auth', '{"level":"info"}');
    c.info('starting gateway');
    c.error('line 1\nline 2');
    c.raw('block');

    expect(out.text()).toBe('auth    | {"level":"info"}\nstart   | starting gateway\nblock\n');
    expect(err.text()).toBe('start   | line 1\nstart   | line 2\n');
  });
});
