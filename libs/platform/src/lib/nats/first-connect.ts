import { connect, ConnectionOptions, NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { ConfigMismatchError } from '../config/load-config';

/** How long a service waits for its broker at start before it gives up (NATS_CONNECT_TIMEOUT_MS). */
export const DEFAULT_NATS_CONNECT_TIMEOUT_MS = 30_000;
/** Between two attempts while the broker is not there yet. */
const RETRY_MS = 500;
/** How often the wait is said again in the log. */
const WAITING_LOG_EVERY_MS = 10_000;

export interface FirstConnectOptions {
  /** What the connection is for, as the log and the error name it (e.g. "NATS_URL"). */
  variable: string;
  timeoutMs: number;
  logger: Logger;
}

/** A server list as a message may show it: host and port, never a user or password. */
export function describeServers(servers: string | string[]): string {
  return (Array.isArray(servers) ? servers : servers.split(','))
    .map((s) => {
      try {
        const u = new URL(s.includes('://') ? s.trim() : `nats://${s.trim()}`);
        return `${u.hostname}:${u.port || 4222}`;
      } catch {
        return '(unparsable address)';
      }
    })
    .join(',');
}

function isAuthFailure(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e?.code === 'AUTHORIZATION_VIOLATION' ||
    e?.code === 'AUTHENTICATION_EXPIRED' ||
    /authorization violation|authentication/i.test(e?.message ?? '')
  );
}

/**
 * The first connection to the broker, failing fast and clearly instead of
 * waiting silently for ever (nats.js's `waitOnFirstConnect`): credentials the
 * broker refuses end the start at once (a ConfigMismatchError, exit 78); a broker
 * that is not there yet is waited for, said in the log every 10 s, until
 * `timeoutMs`, then the start fails with one line naming the address and the
 * variable. Once connected, reconnects are nats.js's (for ever).
 */
export async function firstConnect(options: ConnectionOptions, o: FirstConnectOptions): Promise<NatsConnection> {
  const where = describeServers(options.servers ?? '127.0.0.1:4222');
  const started = Date.now();
  let lastSaid = -Infinity;
  for (;;) {
    try {
      return await connect({ ...options, waitOnFirstConnect: false });
    } catch (err) {
      if (isAuthFailure(err)) {
        throw new ConfigMismatchError(
          `NATS at ${where} refused the credentials of user ${options.user ? `"${options.user}"` : '(none)'}: check NATS_USER and NATS_PASSWORD`,
        );
      }
      const waited = Date.now() - started;
      const cause = (err as { code?: string; message?: string }).code ?? (err as Error).message;
      if (waited >= o.timeoutMs) {
        throw new Error(`cannot reach NATS at ${where} (${o.variable}) after ${Math.round(waited / 1000)} s: ${cause}`);
      }
      if (waited - lastSaid >= WAITING_LOG_EVERY_MS) {
        lastSaid = waited;
        o.logger.warn({ server: where, cause }, `waiting for NATS at ${where} (${o.variable})`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, Math.max(1, o.timeoutMs - waited))));
    }
  }
}
