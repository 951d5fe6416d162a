import '../../runtime/src/register-aliases'; // first: makes the @gatehouse/* imports below resolve in dist/
import { join, resolve } from 'node:path';
import { baseEnvSchema, BaseConfig, ConfigError, loadConfig } from '@gatehouse/platform';
import { repoRoot, SERVICES } from '@gatehouse/supervisor';
import { parseArgs, StartArgs, USAGE, USAGE_EXIT_CODE, UsageError } from './args';
import { createConsole } from './console';
import { Launcher } from './launcher';
import { planReset, resetInstallation } from './reset';
import { resetActions } from './reset-actions';

/**
 * `npm start`: runs every service in the foreground on a fresh machine with
 * PostgreSQL and NATS on their default local ports. Works without a terminal
 * (stdin is read only to confirm `--reset`). GATEHOUSE_DATA_DIR moves the secrets and logs from
 * <repo>/.data (tests use it to run a launcher beside a developer's).
 * `npm start -- --help` lists the options (`--reset`: start over).
 */
async function main(): Promise<number> {
  const console = createConsole(SERVICES.map((s) => s.name));
  let args: StartArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}. Run \`npm start -- --help\` for usage.`);
    return USAGE_EXIT_CODE;
  }
  if (args.help) {
    console.raw(USAGE);
    return 0;
  }

  let config: BaseConfig;
  try {
    config = loadConfig(baseEnvSchema, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 78; // EX_CONFIG, as the services
  }

  const root = repoRoot();
  const dataDir = process.env['GATEHOUSE_DATA_DIR'] ? resolve(process.env['GATEHOUSE_DATA_DIR']) : join(root, '.data');
  if (args.reset) {
    const plan = planReset(SERVICES, process.env, config, dataDir);
    const options = { yes: args.yes, allowRemote: args.allowRemote, natsAuth: { user: config.NATS_USER, password: config.NATS_PASSWORD } };
    const actions = resetActions(config, { input: process.stdin, output: process.stdout });
    if (!(await resetInstallation(plan, options, actions, console))) return 1;
  }

  const launcher = new Launcher({ root, env: process.env, config, services: SERVICES, console, dataDir, accessLog: args.accessLog });
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
