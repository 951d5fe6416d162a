import type { EntityManager } from 'typeorm';
import type { AuditEntry, AuditLogFilters, AuditLogView } from '@gatehouse/contracts';

const COLUMNS = [
  'id', 'project_id', 'entity_id', 'entity_user_id', 'client_id', 'type', 'kind', 'ts', 'method', 'path', 'params', 'headers', 'body',
  'content_type', 'status_code', 'parent_log_id', 'request_id', 'client_ip', 'user_agent', 'target_service', 'details',
] as const;
const JSON_COLUMNS = new Set(['params', 'headers', 'body', 'details']);

function valuesOf(e: AuditEntry): unknown[] {
  return COLUMNS.map((c) => {
    const v = c === 'ts' ? e.timestamp : (e as Record<string, unknown>)[c];
    if (JSON_COLUMNS.has(c)) return v === undefined || v === null ? null : JSON.stringify(v);
    return v ?? null;
  });
}

/**
 * Writes a batch in one statement; an entry whose id is stored already is skipped
 * (a redelivery). Answers how many rows were new.
 */
export async function insertBatch(m: EntityManager, entries: AuditEntry[]): Promise<number> {
  if (!entries.length) return 0;
  const params: unknown[] = [];
  const rows = entries.map((e) => {
    const vals = valuesOf(e);
    const start = params.length;
    params.push(...vals);
    return `(${vals.map((_, i) => `$${start + i + 1}`).join(', ')})`;
  });
  const result = await m.query(`INSERT INTO audit_log (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING`, params);
  // pg answers [rows, rowCount] for an INSERT through TypeORM's query.
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : entries.length;
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
