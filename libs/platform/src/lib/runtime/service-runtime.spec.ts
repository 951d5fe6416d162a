import { ConfigError } from '../config/load-config';
import { ConfigMismatchError } from '../config/load-config';
import { runService } from './service-runtime';

describe('runService: how a failed start is reported', () => {
  let written: string;
  let exitCode: number | undefined;

  beforeEach(() => {
    written = '';
    exitCode = undefined;
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
    jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      exitCode = code;
    }) as typeof process.exit);
  });
  afterEach(() => jest.restoreAllMocks());

  async function failWith(err: unknown): Promise<void> {
    runService({
      name: 'auth',
      loadConfig: () => {
        throw err;
      },
      module: () => ({ module: class {} }),
      listen: () => ({ port: 0, host: '127.0.0.1' }),
    });
    await new Promise((resolve) => setImmediate(resolve));
  }

  it('an invalid configuration: its problems, exit 78', async () => {
    await failWith(new ConfigError(['AUTH_KEY_ENCRYPTION_KEY: is required']));
    expect(written).toBe('auth: Invalid configuration:\n  - AUTH_KEY_ENCRYPTION_KEY: is required\n');
    expect(exitCode).toBe(78);
  });

  it('a configuration that does not fit the data: one line, exit 78, no stack trace', async () => {
    await failWith(new ConfigMismatchError('the keys were sealed under another KEY: restore it'));
    expect(written).toBe('auth: failed to start: the keys were sealed under another KEY: restore it\n');
    expect(exitCode).toBe(78);
  });

  it('anything else: one line with its message, exit 1, no stack trace', async () => {
    await failWith(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    expect(written).toBe('auth: failed to start: connect ECONNREFUSED 127.0.0.1:5432\n');
    expect(exitCode).toBe(1);
  });
});
