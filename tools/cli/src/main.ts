import '../../runtime/src/register-aliases'; // first: makes the @gatehouse/* imports below resolve in dist/
import { BaseConfig, ConfigError, RemoteError } from '@gatehouse/platform';
import { parseCommandLine, ParsedCommandLine } from './args';
import { connectAuthClient, ConnectedAuthClient, loadCliConfig, notReachable } from './auth-client';
import { COMMANDS } from './commands';
import { CliError, ExitCodes, UsageError } from './errors';
import { helpText } from './help';
import { Io, processIo, writeError, writeJson, writeText } from './output';

export interface CliDeps {
  io: Io;
  env: NodeJS.ProcessEnv;
  connect: (config: BaseConfig) => Promise<ConnectedAuthClient>;
}

const defaultDeps: CliDeps = { io: processIo, env: process.env, connect: connectAuthClient };

/** Runs one command line and returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: readonly string[], deps: CliDeps = defaultDeps): Promise<number> {
  const { io } = deps;
  const json = argv.includes('--json');

  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(argv, COMMANDS);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const hint = `Run \`npm run cli -- ${err.topic ? err.topic + ' ' : ''}--help\` for usage.`;
    writeError(io, json, 'usage_error', err.message, hint);
    return ExitCodes.usage;
  }

  if (parsed.kind === 'help') {
    const text = helpText(COMMANDS, parsed.topic);
    if (parsed.json) writeJson(io, { usage: text });
    else writeText(io, text);
    return ExitCodes.ok;
  }

  let config: BaseConfig;
  try {
    config = loadCliConfig(deps.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    writeError(io, json, 'config_error', err.message);
    return ExitCodes.failure;
  }

  let client: ConnectedAuthClient | undefined;
  try {
    client = await deps.connect(config);
    const result = await parsed.command.run(client, parsed.values);
    if (parsed.json) writeJson(io, result.json);
    else writeText(io, result.text);
    return ExitCodes.ok;
  } catch (err) {
    const e = toCliError(err, config);
    writeError(io, json, e.code, e.message);
    return ExitCodes.failure;
  } finally {
    await client?.close().catch(() => undefined);
  }
}

/** Every failure as {code, message}: the auth service's own, or the CLI's. */
export function toCliError(err: unknown, config: BaseConfig): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof RemoteError) {
    if (err.code === 'unavailable') return notReachable(config, 'no answer from the auth service');
    return new CliError(err.code, err.message);
  }
  return new CliError('internal', (err as Error)?.message ?? String(err));
}

if (require.main === module) {
  // A closed pipe (`... | head`) is not an error worth a stack trace.
  process.stdout.on('error', () => undefined);
  runCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = ExitCodes.failure;
    },
  );
}
