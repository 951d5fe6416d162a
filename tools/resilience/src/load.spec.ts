import { cutByKill } from './load';

describe('cutByKill (a connection error the kill of its gateway explains)', () => {
  const killed = [{ from: 10_000, until: 10_400 }];

  it.each([
    ['in flight at the SIGKILL', 9_900, 10_010],
    ['sent after the SIGKILL, reset before the exit was seen (the socket outlives the signal)', 10_200, 10_300],
    ['sent within the slack after the exit', 10_440, 10_460],
  ])('counts a request %s', (_what, start, end) => {
    expect(cutByKill(start, end, killed)).toBe(true);
  });

  it.each([
    ['over before the kill', 9_000, 9_900],
    ['sent well after the exit (the balancer should have known)', 11_000, 11_020],
  ])('does not count a request %s', (_what, start, end) => {
    expect(cutByKill(start, end, killed)).toBe(false);
  });

  it('counts every request after a SIGKILL whose exit is not seen yet, and none without a kill', () => {
    expect(cutByKill(20_000, 20_010, [{ from: 10_000, until: Infinity }])).toBe(true);
    expect(cutByKill(20_000, 20_010, [])).toBe(false);
  });
});
