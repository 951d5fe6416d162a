import { parseArgs, USAGE, UsageError } from './args';

describe('npm start -- <options>', () => {
  it('starts without options', () => {
    expect(parseArgs([])).toEqual({ help: false, reset: false, yes: false, allowRemote: false, accessLog: false });
  });

  it('reads --reset, --yes / -y and --allow-remote', () => {
    expect(parseArgs(['--reset'])).toEqual({ help: false, reset: true, yes: false, allowRemote: false, accessLog: false });
    expect(parseArgs(['--reset', '--yes'])).toMatchObject({ reset: true, yes: true });
    expect(parseArgs(['-y', '--reset', '--allow-remote'])).toMatchObject({ reset: true, yes: true, allowRemote: true });
  });

  it('reads --access-log', () => {
    expect(parseArgs(['--access-log']).accessLog).toBe(true);
  });

  it('reads --help / -h', () => {
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it('refuses an unknown option, and --yes or --allow-remote without --reset', () => {
    expect(() => parseArgs(['--rest'])).toThrow(new UsageError('unknown option "--rest"'));
    expect(() => parseArgs(['--yes'])).toThrow(new UsageError('--yes only goes with --reset'));
    expect(() => parseArgs(['--allow-remote'])).toThrow(new UsageError('--allow-remote only goes with --reset'));
  });

  it('documents every option it reads', () => {
    for (const option of ['--reset', '--yes', '-y', '--allow-remote', '--access-log', '--help', '-h']) expect(USAGE).toContain(option);
  });
});
