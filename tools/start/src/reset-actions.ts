import { existsSync, readdirSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { BaseConfig, createLogger, NatsService } from '@gatehouse/platform';
import { databaseName, dropDatabase, maintenanceUrl } from '@gatehouse/supervisor';
import { confirm } from './confirm';
import { checkDependencies } from './preflight';
import { ResetActions } from './reset';

/** JetStream's error code for a stream that does not exist. */
const STREAM_NOT_FOUND = 10059;

/** The real effects of `--reset`: PostgreSQL, NATS, the file system, the terminal (when there is one). */
export function resetActions(config: BaseConfig, terminal: { input: NodeJS.ReadStream; output: NodeJS.WriteStream }): ResetActions {
  // A question nobody sees (output redirected) must not hang the start: then --yes is required.
  const interactive = Boolean(terminal.input.isTTY && terminal.output.isTTY);
  return {
    checkDependencies,
    connectionsTo,
    listDataDir: (dir) => (existsSync(dir) ? readdirSync(dir) : []),
    confirm: interactive ? (question) => confirm(question, terminal.input, terminal.output) : undefined,
    dropDatabase,
    deleteStream: (name) => deleteStream(config, name),
    removeDataDir: (dir) => rmSync(dir, { recursive: true, force: true }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

async function connectionsTo(url: string): Promise<number> {
  const client = new Client({ connectionString: maintenanceUrl(url), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const res = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
      databaseName(url),
    ]);
    return res.rows[0]?.n ?? 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function deleteStream(config: BaseConfig, name: string): Promise<boolean> {
  const nats = await NatsService.connect({
    url: config.NATS_URL,
    name: `gatehouse-start-reset-${process.pid}`,
    prefix: config.NATS_SUBJECT_PREFIX,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    requestTimeoutMs: Math.max(config.NATS_REQUEST_TIMEOUT_MS, 5_000),
    logger: createLogger('start', 'warn'),
  });
  try {
    const jsm = await nats.connection.jetstreamManager();
    return await jsm.streams.delete(name);
  } catch (err) {
    if ((err as { api_error?: { err_code?: number } }).api_error?.err_code === STREAM_NOT_FOUND) return false;
    throw err;
  } finally {
    await nats.close().catch(() => undefined);
  }
}
