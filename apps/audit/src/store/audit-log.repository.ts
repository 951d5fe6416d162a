import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditEntry, AuditLogFilters, AuditLogView } from '@gatehouse/contracts';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from './copy-binary';
import { COPY_COLUMNS } from './copy-text';

/** Each column of `audit_log` an entry fills, with its type; the entry's field of the same name (`ts`: `timestamp`). */
const COLUMNS: ReadonlyArray<[column: string, type: string]> = [
  ['id', 'uuid'], ['project_id', 'uuid'], ['entity_id', 'uuid'], ['entity_user_id', 'uuid'], ['client_id', 'text'], ['type', 'text'],
  ['kind', 'text'], ['ts', 'timestamptz'], ['method', 'text'], ['path', 'text'], ['params', 'json'], ['headers', 'json'], ['body', 'json'],
  ['content_type', 'text'], ['status_code', 'integer'], ['parent_log_id', 'uuid'], ['request_id', 'text'], ['client_ip', 'text'],
  ['user_agent', 'text'], ['target_service', 'text'], ['details', 'json'],
];
const field = (column: string) => (column === 'ts' ? '"timestamp"' : column);

/**
 * The batch travels as one JSON parameter that PostgreSQL unpacks into rows
 * (json_to_recordset): no per-value parameter encoding here and no 60,000-parameter
 * statement to parse there, as a multi-row VALUES list needed.
 */
const INSERT = `WITH added AS (
  INSERT INTO audit_log (${COLUMNS.map(([c]) => c).join(', ')})
  SELECT ${COLUMNS.map(([c]) => field(c)).join(', ')}
  FROM json_to_recordset($1::json) AS e(${COLUMNS.map(([c, t]) => `${field(c)} ${t}`).join(', ')})
  ON CONFLICT (id) DO NOTHING
  RETURNING 1)
  SELECT count(*)::int AS n FROM added`;

/** Rows per statement of the idempotent insert: bounds one statement's JSON parameter (entries are at most ~1 MiB each, and usually far less). */
const ROWS_PER_INSERT = 3_000;

/**
 * A pull's entries, a chunk per message: as binary COPY rows (copyBinary) or, for a
 * message that writer declined, as COPY text (copyText, UTF-8); how many; and the
 * entries themselves should the idempotent insert be needed.
 */
export interface StoreBatch {
  binary: readonly Buffer[];
  text: readonly Buffer[];
  count: number;
  entries: () => AuditEntry[];
}

/**
 * Stores a pull's entries in one transaction; answers how many rows were new.
 *
 * First by COPY (the bulk path, about half PostgreSQL's cost per row of the
 * insert below): one binary COPY for the binary chunks, one text COPY for the
 * text chunks, in the same transaction. COPY knows no ON CONFLICT: when an entry is stored already (a
 * redelivery after a crash between commit and acknowledgement, or a publisher's
 * retry), the whole COPY fails on the primary key and nothing of it stays; the
 * entries are then written by the idempotent insert, which skips the stored ones.
 */
export async function storeBatch(ds: DataSource, batch: StoreBatch): Promise<number> {
  if (!batch.count) return 0;
  const runner = ds.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      if (batch.binary.length) {
        const rows = Readable.from([COPY_BINARY_HEADER, ...batch.binary, COPY_BINARY_TRAILER]);
        await pipeline(rows, client.query(copyFrom(`COPY audit_log (${COPY_COLUMNS}) FROM STDIN (FORMAT binary)`)));
      }
      if (batch.text.length) await pipeline(Readable.from(batch.text), client.query(copyFrom(`COPY audit_log (${COPY_COLUMNS}) FROM STDIN`)));
      await client.query('COMMIT');
      return batch.count;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    }
  } finally {
    await runner.release();
  }
  return ds.transaction(async (tx) => {
    let added = 0;
    const unique = dedupe(batch.entries());
    for (let i = 0; i < unique.length; i += ROWS_PER_INSERT) added += await insertBatch(tx, unique.slice(i, i + ROWS_PER_INSERT));
    return added;
  });
}

const UNIQUE_VIOLATION = '23505';

/** One row per id (a pull may hold a batch twice: a publisher's retry after JetStream's duplicate window). */
function dedupe(entries: AuditEntry[]): AuditEntry[] {
  const seen = new Map<string, AuditEntry>();
  for (const e of entries) if (!seen.has(e.id)) seen.set(e.id, e);
  return [...seen.values()];
}

/**
 * Writes a batch in one statement; an entry whose id is stored already is skipped
 * (a redelivery). Answers how many rows were new.
 */
export async function insertBatch(m: EntityManager, entries: AuditEntry[]): Promise<number> {
  if (!entries.length) return 0;
  // Counted in SQL: TypeORM's query answers an INSERT's rows, not its row count.
  const [row] = (await m.query(INSERT, [JSON.stringify(entries)])) as Array<{ n: number }>;
  return row.n;
}

export interface ListQuery {
  project_id: string;
  /** null: the project trail (type `event`). */
  entity_id: string | null;
  /** Set: only the entries this entity user triggered. */
  entity_user_id: string | null;
  filters: AuditLogFilters;
  /** The default window's start when no timestamp filter is given. */
  since: string | null;
  /** Newest first; the page starts after (older than) or before (newer than) this cursor. */
  cursor: { ts: string; id: string; dir: 'after' | 'before' } | null;
  limit: number;
}

interface Row {
  id: string;
  project_id: string;
  entity_id: string | null;
  entity_user_id: string | null;
  client_id: string | null;
  type: 'request' | 'response' | 'event';
  kind: string | null;
  ts: string;
  method: string | null;
  path: string | null;
  params: Record<string, unknown> | null;
  headers: Record<string, unknown> | null;
  body: unknown;
  content_type: string | null;
  status_code: number | null;
  parent_log_id: string | null;
  request_id: string | null;
  client_ip: string | null;
  user_agent: string | null;
  target_service: string;
  details: Record<string, unknown> | null;
  /** Exact (microseconds) for the cursor. */
  ts_key: string;
}

export interface ListedRow {
  view: AuditLogView;
  key: { ts: string; id: string };
}

/** One page (limit + 1 rows, to know whether more follow), newest first. */
export async function list(m: EntityManager, q: ListQuery): Promise<ListedRow[]> {
  const where: string[] = ['project_id = $1'];
  const params: unknown[] = [q.project_id];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.entity_id === null) where.push("type = 'event' AND entity_id IS NULL");
  else add('entity_id = ?', q.entity_id);
  if (q.entity_user_id) add('entity_user_id = ?', q.entity_user_id);
  const f = q.filters;
  if (f.type) add('type = ?', f.type);
  if (f.entity_user_id) add('entity_user_id = ?', f.entity_user_id);
  if (f.timestamp__gt) add('ts > ?', f.timestamp__gt);
  if (f.timestamp__gte) add('ts >= ?', f.timestamp__gte);
  if (f.timestamp__lt) add('ts < ?', f.timestamp__lt);
  if (f.timestamp__lte) add('ts <= ?', f.timestamp__lte);
  if (q.since) add('ts >= ?', q.since);
  let order = 'DESC';
  if (q.cursor) {
    params.push(q.cursor.ts, q.cursor.id);
    const ts = `$${params.length - 1}::timestamptz`;
    const id = `$${params.length}::uuid`;
    if (q.cursor.dir === 'after') where.push(`(ts, id) < (${ts}, ${id})`);
    else {
      where.push(`(ts, id) > (${ts}, ${id})`);
      order = 'ASC';
    }
  }
  params.push(q.limit + 1);
  const rows: Row[] = await m.query(
    `SELECT *, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts_key
       FROM audit_log WHERE ${where.join(' AND ')}
      ORDER BY ts ${order}, id ${order} LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ view: viewOf(r), key: { ts: r.ts_key, id: r.id } }));
}

function viewOf(r: Row): AuditLogView {
  return {
    id: r.id,
    body: r.body ?? null,
    content_type: r.content_type,
    entity_id: r.entity_id,
    entity_user_id: r.entity_user_id,
    headers: r.headers,
    method: r.method,
    params: r.params,
    parent_log_id: r.parent_log_id,
    path: r.path,
    status_code: r.status_code,
    target_service: r.target_service,
    timestamp: r.ts_key,
    type: r.type,
    kind: r.kind,
    client_id: r.client_id,
    client_ip: r.client_ip,
    user_agent: r.user_agent,
    request_id: r.request_id,
    details: r.details,
  };
}

/** Deletes entries older than the cutoff, a slice at a time; answers how many went. */
export async function purgeOlderThan(m: EntityManager, cutoff: Date, slice = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await m.query('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE ts < $1 LIMIT $2)', [cutoff.toISOString(), slice]);
    const n = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
    total += n;
    if (n < slice) return total;
  }
}

export async function count(m: EntityManager, projectId: string): Promise<number> {
  const [row] = await m.query('SELECT count(*)::int AS n FROM audit_log WHERE project_id = $1', [projectId]);
  return row.n;
}
