import { Client } from 'pg';
import { connect } from 'nats';

/** A dependency (PostgreSQL, NATS) did not answer. `reason` is the driver's own words. */
export class DependencyUnreachableError extends Error {
  constructor(
    readonly dependency: 'postgres' | 'nats',
    /** Where it was looked for, without credentials: `127.0.0.1:5432`. */
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${dependency === 'postgres' ? 'PostgreSQL' : 'NATS'} is not reachable at ${address}: ${reason}`);
    this.name = 'DependencyUnreachableError';
  }
}

/** host:port of a URL, without user or password. */
export function addressOf(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || defaultPort}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Connects to the `postgres` database of the server of `url` and runs `SELECT 1`. */
export async function checkPostgres(url: string, timeoutMs = 3_000): Promise<void> {
  const target = new URL(url);
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString(), connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new DependencyUnreachableError('postgres', addressOf(url, 5432), describe(err));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Opens (and closes) one NATS connection without retrying. */
export async function checkNats(
  url: string,
  opts: { user?: string; password?: string; timeoutMs?: number } = {},
): Promise<void> {
  try {
    const nc = await connect({
      servers: url,
      user: opts.user,
      pass: opts.password,
      timeout: opts.timeoutMs ?? 3_000,
      reconnect: false,
      maxReconnectAttempts: 0,
      name: `preflight-${process.pid}`,
    });
    await nc.close();
  } catch (err) {
    throw new DependencyUnreachableError('nats', addressOf(url, 4222), describe(err));
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { errors?: Error[] };
  // Node reports "connect to localhost" failures as an AggregateError (IPv4 and IPv6 attempts).
  if (Array.isArray(e?.errors) && e.errors.length) return e.errors.map((x) => describe(x)).join('; ');
  if (e?.code && e.message && !e.message.includes(e.code)) return `${e.code}: ${e.message}`;
  return e?.message || e?.code || String(err);
}
