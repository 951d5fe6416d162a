import { isText } from '../common/schema-kit';
import { AUDIT_BATCH_MAX_ENTRIES, AUDIT_EVENT_KINDS, AuditBatch, AuditEntry, inYearZero } from './audit.dto';

/**
 * The contract check of an audit batch (AuditBatchSchema), precompiled by hand for
 * the audit service's consumer, which checks every entry of every batch: zod's
 * safeParse cost ~4 µs an entry there, a tenth of what the trail costs per token;
 * this test costs a fraction of that.
 *
 * It only ever accepts: true means AuditBatchSchema accepts the value and returns
 * it unchanged (the schema has no transforms or defaults), so the consumer may
 * store the value as it is. false means "not sure": the consumer then parses with
 * the schema, which decides. A property test (audit-batch.guard.spec.ts) holds it
 * to the schema: never true where the schema refuses, and true for every entry the
 * publishers write.
 */
export function isWellFormedAuditBatch(value: unknown): value is AuditBatch {
  const entries = auditBatchEnvelope(value);
  if (!entries) return false;
  for (const e of entries) if (!isWellFormedEntry(e)) return false;
  return true;
}

/**
 * The entries of a value shaped as AuditBatchSchema's envelope (`{"entries": [...]}`,
 * nothing else, 1 to AUDIT_BATCH_MAX_ENTRIES of them), each not checked yet; null
 * when it is no batch.
 */
export function auditBatchEnvelope(value: unknown): unknown[] | null {
  if (!isRecord(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'entries') return null;
  const entries = value.entries;
  return Array.isArray(entries) && entries.length >= 1 && entries.length <= AUDIT_BATCH_MAX_ENTRIES ? entries : null;
}

const KINDS: ReadonlySet<unknown> = new Set(AUDIT_EVENT_KINDS);
const TYPES: ReadonlySet<unknown> = new Set(['request', 'response', 'event']);
/** The keys an entry must have; every other one may be absent (absent means null). */
const REQUIRED_KEYS = 5;

function isWellFormedEntry(e: unknown): e is AuditEntry {
  if (!isRecord(e)) return false;
  let required = 0;
  for (const key in e) {
    if (!Object.prototype.hasOwnProperty.call(e, key)) return false;
    const v = e[key];
    switch (key) {
      case 'id':
      case 'project_id':
        if (!isUuid(v)) return false;
        required++;
        break;
      case 'entity_id':
      case 'entity_user_id':
      case 'parent_log_id':
        if (v !== null && !isUuid(v)) return false;
        break;
      case 'client_id':
      case 'content_type':
      case 'request_id':
        if (v !== null && !isText(v, 200)) return false;
        break;
      case 'method':
        if (v !== null && !isText(v, 16)) return false;
        break;
      case 'path':
        if (v !== null && !isText(v, 2048)) return false;
        break;
      case 'client_ip':
        if (v !== null && !isText(v, 100)) return false;
        break;
      case 'user_agent':
        if (v !== null && !isText(v, 1000)) return false;
        break;
      case 'target_service':
        if (!isText(v, 100)) return false;
        required++;
        break;
      case 'type':
        if (!TYPES.has(v)) return false;
        required++;
        break;
      case 'kind':
        if (v !== null && !KINDS.has(v)) return false;
        break;
      case 'timestamp':
        if (!isCanonicalTimestamp(v)) return false;
        required++;
        break;
      case 'params':
      case 'headers':
      case 'details':
        if (v !== null && !isRecord(v)) return false;
        break;
      case 'status_code':
        if (v !== null && !(typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599)) return false;
        break;
      case 'body':
        // z.unknown: any JSON value.
        break;
      default:
        return false;
    }
  }
  return required === REQUIRED_KEYS;
}

/** The number written by the two ASCII digits at `at` (the regex has checked they are digits). */
function twoDigits(s: string, at: number): number {
  return (s.charCodeAt(at) - 48) * 10 + (s.charCodeAt(at + 1) - 48);
}

/** A JSON object as JSON.parse makes it (Object's prototype; arrays, class instances, null are not). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (v: unknown): boolean => typeof v === 'string' && UUID.test(v);

/** Exactly what Date#toISOString writes for a four-digit year (the publishers' spelling); anything else goes to the schema. */
export const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
function isCanonicalTimestamp(v: unknown): boolean {
  if (typeof v !== 'string' || !ISO_UTC_MS.test(v) || inYearZero(v)) return false;
  // Days 1 to 28 exist in every month: the fields' ranges decide, without a Date.
  const month = twoDigits(v, 5);
  const day = twoDigits(v, 8);
  if (month >= 1 && month <= 12 && day >= 1 && day <= 28) return twoDigits(v, 11) <= 23 && twoDigits(v, 14) <= 59 && twoDigits(v, 17) <= 59;
  const t = Date.parse(v);
  return Number.isFinite(t) && new Date(t).toISOString() === v;
}
