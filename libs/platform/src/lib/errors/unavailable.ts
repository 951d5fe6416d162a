/**
 * Errors that mean "a dependency is away for now" rather than "this request is
 * wrong" or "this code is broken": PostgreSQL restarting, refusing connections,
 * cutting sessions, or a pool that could not get a connection in time. The
 * caller gets 503 (`unavailable`). A transaction cut before its COMMIT was sent
 * is rolled back by the server; one cut while its COMMIT was in flight may have
 * committed: a write answered 503 may be there (never half-done), so a client
 * that tries again may meet its first attempt (a 409 on a unique name or login).
 */
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATE: class 08 (connection exception), 57P01..57P03 (admin shutdown, crash
 * shutdown, cannot connect now: the server is starting or stopping), 53300 (too
 * many connections).
 */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/**
 * What node-postgres and its pool say, with no code, when a connection goes or
 * never comes; and TypeORM, when a transaction's connection was cut and released
 * between two of its queries (seen while PostgreSQL restarted under load).
 */
const MESSAGES = [
  /^Database connection provided by a query runner was already released/,
  /^Query runner already released/,
  /^Client was closed and is not queryable/,
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
];

export function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message, driverError } = err as { code?: unknown; message?: unknown; driverError?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
  // TypeORM's QueryFailedError keeps the driver's error.
  return driverError !== undefined && driverError !== err && isUnavailable(driverError);
}
