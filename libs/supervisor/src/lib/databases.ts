import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The database named by a postgres URL (validated: [A-Za-z0-9_]+, so it can be quoted safely). */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name must match [A-Za-z0-9_]+: ${JSON.stringify(name)}`);
  return name;
}

/** The same server's `postgres` maintenance database. */
export function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

async function onMaintenance<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: maintenanceUrl(url), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database of `url`; fails when it exists already. */
export async function createDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await onMaintenance(url, (c) => c.query(`CREATE DATABASE "${name}"`));
}

/** Drops the database of `url` when it exists, disconnecting its sessions first (PostgreSQL 13+). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await onMaintenance(url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * A fresh, unlikely-to-collide database name for a test run,
 * e.g. `gh_test_3f9a0c12be_auth` for `testDatabaseName('auth')`.
 */
export function testDatabaseName(service: string, runId: string = randomRunId()): string {
  return `gh_test_${runId}_${service}`.replace(/[^A-Za-z0-9_]/g, '_');
}

export function randomRunId(): string {
  return randomBytes(5).toString('hex');
}

/** `url` with its database replaced by `name`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}
