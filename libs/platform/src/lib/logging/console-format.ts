/**
 * The console of a person (LOG_FORMAT=pretty, what `npm start` shows): one short
 * line per log record, `HH:MM:SS [LEVEL] message key=value …`. The level is named
 * only when it is not `info`; the fields every line carries (time, service, pid)
 * are left out (the launcher puts the service's name in front). A warning or an
 * error is shown in full: every field, and the error's stack on the lines below.
 */

/** Fields on every record, not worth a person's attention. */
const SKIPPED = new Set(['time', 'level', 'msg', 'service', 'pid', 'hostname', 'context']);
const QUIET_LEVELS = new Set(['info']);
const FULL_LEVELS = new Set(['warn', 'error', 'fatal']);

export type LogRecord = Record<string, unknown>;

/** HH:MM:SS of an ISO time (the log's own), else of now. */
export function clock(time: unknown, now: () => Date = () => new Date()): string {
  const d = typeof time === 'string' || typeof time === 'number' ? new Date(time) : now();
  const t = Number.isNaN(d.getTime()) ? now() : d;
  return [t.getHours(), t.getMinutes(), t.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  return JSON.stringify(v);
}

interface ErrorLike {
  message?: unknown;
  stack?: unknown;
  type?: unknown;
}

/** One record as the console shows it (no trailing newline; several lines only for a stack). */
export function formatConsoleLine(record: LogRecord): string {
  const level = typeof record.level === 'string' ? record.level : 'info';
  const full = FULL_LEVELS.has(level);
  const parts = [clock(record.time)];
  if (!QUIET_LEVELS.has(level)) parts.push(level.toUpperCase());
  if (typeof record.context === 'string' && record.context) parts.push(`[${record.context}]`);
  parts.push(typeof record.msg === 'string' ? record.msg : '');
  let stack: string | undefined;
  for (const [key, v] of Object.entries(record)) {
    if (SKIPPED.has(key) || v === undefined) continue;
    if ((key === 'err' || key === 'error') && v && typeof v === 'object') {
      const e = v as ErrorLike;
      parts.push(`${key}=${value(e.message ?? e.type ?? v)}`);
      if (full && typeof e.stack === 'string') stack = e.stack;
      continue;
    }
    if (key === 'trace' && typeof v === 'string') {
      // Nest's error(message, trace): the stack, for a person only at warn and above.
      if (full) stack = v;
      continue;
    }
    parts.push(`${key}=${value(v)}`);
  }
  const line = parts.filter((p) => p !== '').join(' ');
  return stack ? `${line}\n${stack.replace(/^/gm, '    ')}` : line;
}

/** What the access log counted in an interval (the gateway's requests). */
export interface AccessCounts {
  total: number;
  /** Responses by status code. */
  statuses: Map<number, number>;
  /** The slowest response, in ms. */
  maxMs: number;
}

/** `1,234 requests in 10 s (200×1,200 401×34), slowest 40 ms`. */
export function formatAccessSummary(counts: AccessCounts, seconds: number, time?: unknown): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const statuses = [...counts.statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([code, count]) => `${code}×${n(count)}`)
    .join(' ');
  return `${clock(time)} ${n(counts.total)} request${counts.total === 1 ? '' : 's'} in ${seconds} s (${statuses}), slowest ${Math.round(counts.maxMs)} ms`;
}
