import { EntityManager } from 'typeorm';

/** The one place that reads and writes `outbox`. */

/** The channel a commit NOTIFYs so the relay wakes at once. */
export const OUTBOX_CHANNEL = 'identity_outbox';

export interface OutboxRow {
  id: string;
  subject: string;
  payload: Record<string, unknown>;
  /** traceparent/tracestate of the change's request (tracing on), else null. */
  trace_context: Record<string, string> | null;
}

/** Appends an event in the caller's transaction; the NOTIFY is delivered at commit, never before. */
export async function append(m: EntityManager, subject: string, payload: Record<string, unknown>, traceContext: Record<string, string> | null = null): Promise<void> {
  await m.query('INSERT INTO outbox (subject, payload, trace_context) VALUES ($1, $2, $3)', [subject, payload, traceContext]);
  await m.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
}

/** The oldest unpublished events, in outbox order. */
export function unpublished(m: EntityManager, limit: number): Promise<OutboxRow[]> {
  return m.query('SELECT id, subject, payload, trace_context FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1', [limit]);
}

export async function markPublished(m: EntityManager, ids: string[]): Promise<void> {
  await m.query('UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])', [ids]);
}

/** Unpublished events, and the age in seconds of the oldest (0 when none). */
export async function backlog(m: EntityManager): Promise<{ count: number; oldestAgeSeconds: number }> {
  const rows: Array<{ count: string; age: string | null }> = await m.query(
    'SELECT count(*) AS count, extract(epoch FROM clock_timestamp() - min(created_at)) AS age FROM outbox WHERE published_at IS NULL',
  );
  return { count: Number(rows[0]?.count ?? 0), oldestAgeSeconds: Math.max(0, Number(rows[0]?.age ?? 0)) };
}
