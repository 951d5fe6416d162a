import { baseEnvSchema, BaseConfig, createLogger, loadConfig, NatsService } from '@gatehouse/platform';
import { checkNats } from '@gatehouse/supervisor';
import { AuthClient } from './commands/command';
import { CliError } from './errors';

/** Operator requests may take longer than the hot-path default (e.g. a key rotation). */
const CLI_REQUEST_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;

export interface ConnectedAuthClient extends AuthClient {
  close(): Promise<void>;
}

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): BaseConfig {
  return loadConfig(baseEnvSchema, env);
}

/** The NATS URL without credentials, fit for a message. */
export function displayUrl(url: string): string {
  return url
    .split(',')
    .map((u) => u.trim().replace(/\/\/[^@/]*@/, '//'))
    .join(',');
}

export function notReachable(config: BaseConfig, detail?: string): CliError {
  return new CliError(
    'unavailable',
    `auth service not reachable on NATS at ${displayUrl(config.NATS_URL)}; is \`npm start\` running?` +
      (detail ? ` (${detail})` : ''),
  );
}

/**
 * Connects to NATS and talks to the auth service through NatsService. NATS being
 * down is found first with one non-retrying attempt (NatsService would wait for it).
 */
export async function connectAuthClient(config: BaseConfig): Promise<ConnectedAuthClient> {
  try {
    await checkNats(config.NATS_URL, {
      user: config.NATS_USER,
      password: config.NATS_PASSWORD,
      timeoutMs: CONNECT_TIMEOUT_MS,
    });
  } catch (err) {
    throw notReachable(config, (err as { reason?: string }).reason ?? (err as Error).message);
  }
  // The CLI's stdout is its output (one JSON object with --json): the client logs nothing.
  const logger = createLogger('cli', 'silent');
  const connecting = NatsService.connect({
    url: config.NATS_URL,
    name: `gatehouse-cli-${process.pid}`,
    prefix: config.NATS_SUBJECT_PREFIX,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    requestTimeoutMs: Math.max(config.NATS_REQUEST_TIMEOUT_MS, CLI_REQUEST_TIMEOUT_MS),
    logger,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(notReachable(config, 'connection timed out')), CONNECT_TIMEOUT_MS);
  });
  let nats: NatsService;
  try {
    nats = await Promise.race([connecting, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return {
    async request<Res>(subject: string, data: unknown): Promise<Res> {
      return nats.request<Res>(subject, data);
    },
    close: () => nats.close(),
  };
}
