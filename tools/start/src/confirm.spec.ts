import { PassThrough } from 'node:stream';
import { confirm } from './confirm';

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d) => (shown += d));
  return { input, output, shown: () => shown };
}

describe('confirm', () => {
  it('asks the question and goes on only on "yes"', async () => {
    const t = terminal();
    const answer = confirm('Drop them? Type yes: ', t.input, t.output);
    t.input.write('yes\n');
    await expect(answer).resolves.toBe(true);
    expect(t.shown()).toContain('Drop them? Type yes: ');
  });

  it('accepts " YES " but not "y", an empty line or anything else', async () => {
    for (const [typed, expected] of [
      [' YES \n', true],
      ['y\n', false],
      ['\n', false],
      ['no\n', false],
    ] as const) {
      const t = terminal();
      const answer = confirm('? ', t.input, t.output);
      t.input.write(typed);
      await expect(answer).resolves.toBe(expected);
    }
  });

  it('the end of the input is a no', async () => {
    const t = terminal();
    const answer = confirm('? ', t.input, t.output);
    t.input.end();
    await expect(answer).resolves.toBe(false);
  });
});
