import './register-aliases'; // first: makes the @gatehouse/* imports below resolve in dist/
import { baseEnvSchema, BaseConfig, ConfigError, loadConfig } from '@gatehouse/platform';
import { repoRoot } from '@gatehouse/supervisor';
import { createConsole } from './console';
import { Launcher } from './launcher';
import { SERVICES } from './services';

/**
 * `npm start`: runs every service in the foreground on a fresh machine with
 * PostgreSQL and NATS on their default local ports. Works without a terminal
 * (stdin is never read). GATEHOUSE_DATA_DIR moves the secrets and logs from
 * <repo>/.data (tests use it to run a launcher beside a developer's).
 */
async function main(): Promise<number> {
  const console = createConsole(SERVICES.map((s) => s.name));
  let config: BaseConfig;
  try {
    config = loadConfig(baseEnvSchema, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 78; // EX_CONFIG, as the services
  }

  const dataDir = process.env['GATEHOUSE_DATA_DIR'] || undefined;
  const launcher = new Launcher({ root: repoRoot(), env: process.env, config, services: SERVICES, console, dataDir });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => launcher.requestStop(signal));
  }
  process.on('exit', () => launcher.terminateChildrenNow());
  process.on('uncaughtException', (err) => launcher.fail(`launcher error: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => launcher.fail(`launcher error: ${(err as Error)?.stack ?? String(err)}`));
  return launcher.run();
}

// Output may go to a pipe that closes (`npm start | head`): losing it must not stop the services.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

main().then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`start: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
