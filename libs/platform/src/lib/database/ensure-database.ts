import { Client } from 'pg';
import { ConfigMismatchError } from '../config/load-config';

/** How long the first connection to PostgreSQL may take before the start fails. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Host and port of a postgres URL, never its user or password. */
function server(u: URL): string {
  return `${u.hostname || 'local socket'}:${u.port || 5432}`;
}

/**
 * The first connection's failure as one line that names the server and the
 * database: credentials PostgreSQL refuses are a configuration that does not fit
 * (exit 78); a server that cannot be reached is a failure to start (exit 1).
 */
export function explainConnectFailure(err: unknown, url: URL, database: string): Error {
  const e = err as { code?: string; message?: string };
  if (e.code === '28P01' || e.code === '28000') {
    return new ConfigMismatchError(
      `PostgreSQL at ${server(url)} refused the credentials of user "${decodeURIComponent(url.username) || '(default)'}" for database ${database}: check the service's *_DATABASE_URL`,
    );
  }
  return new Error(`cannot reach PostgreSQL at ${server(url)} for database ${database}: ${e.code ?? e.message ?? 'unknown error'}`);
}

/**
 * Creates the service's database when it does not exist yet (first start on a
 * fresh server). Safe when several instances start at once.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error('database name must be [A-Za-z0-9_]+');
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
  } catch (err) {
    throw explainConnectFailure(err, target, name);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE "${name}"`);
  } catch (err) {
    // 42P04 duplicate_database, 23505 unique_violation: another instance won the race.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await client.end();
  }
}
