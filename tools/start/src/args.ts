/** What `npm start -- <options>` asks for. */
export interface StartArgs {
  help: boolean;
  /** Start over: drop the local databases, identity's event stream and the data dir, then start. */
  reset: boolean;
  /** With --reset: do not ask (needed without a terminal). */
  yes: boolean;
  /** With --reset: also when a database or NATS is not on this machine. */
  allowRemote: boolean;
  /** Every request on the console (LOG_ACCESS=lines), not a count every 10 s. */
  accessLog: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit code of a wrong command line (as the CLI's). */
export const USAGE_EXIT_CODE = 2;

export const USAGE = `Usage: npm start [-- <options>]

Builds, then starts every service (auth, identity, policy, gateway) in the foreground and,
on a fresh installation, prints a first project's credentials. Ctrl-C or SIGTERM stops them.

Options:
  --reset         start over on a development machine: drop the databases of
                  AUTH_DATABASE_URL and IDENTITY_DATABASE_URL, identity's event stream on
                  NATS and the data dir (GATEHOUSE_DATA_DIR, default .data: the
                  key-encryption key, the TLS certificate, the logs), then start.
                  It lists them and asks first; it refuses while they are in use.
  --yes, -y       with --reset: do not ask (required without a terminal)
  --allow-remote  with --reset: also when a database or NATS is not on this machine
                  (refused otherwise: production never resets)
  --access-log    show each request the gateway answers on the console, not a count of
                  them every 10 s (the log files in .data/logs have every one either way)
  --help, -h      this text

The console shows one short line per event (LOG_FORMAT=pretty; LOG_FORMAT=json for JSON);
.data/logs/<service>.log keeps every line as JSON.`;

export function parseArgs(argv: readonly string[]): StartArgs {
  const args: StartArgs = { help: false, reset: false, yes: false, allowRemote: false, accessLog: false };
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--reset') args.reset = true;
    else if (arg === '--yes' || arg === '-y') args.yes = true;
    else if (arg === '--allow-remote') args.allowRemote = true;
    else if (arg === '--access-log') args.accessLog = true;
    else throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
  }
  if (!args.reset && !args.help) {
    if (args.yes) throw new UsageError('--yes only goes with --reset');
    if (args.allowRemote) throw new UsageError('--allow-remote only goes with --reset');
  }
  return args;
}
