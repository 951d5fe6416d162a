import { z } from 'zod';
import { text, uuid } from '../common/schema-kit';

/** Project-trail event kinds (type `event`). */
export const AUDIT_EVENT_KINDS = [
  'token.issued',
  'token.refused',
  'token.revoked',
  'project.tokens_revoked',
  'credentials.created',
  'credentials.revoked',
  'keys.rotated',
  'settings.updated',
  'access.denied',
  // The Partner Portal's actions (auth; the member is in `details.actor`).
  'project.created',
  'project.renamed',
  'project.archived',
  'credentials.rolled',
] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

/** Whether an ISO 8601 timestamp is in the year 0000, which PostgreSQL has no spelling for (1 BC is its year 0001 BC). */
export const inYearZero = (v: string): boolean => v.startsWith('0000');
/**
 * Whether an ISO 8601 timestamp's offset is 16 hours or more, which PostgreSQL refuses
 * ("time zone displacement out of range": at most 15:59), where ISO 8601 and the
 * formats that check it go to 23:59. Stored, such an entry failed its whole batch at
 * every redelivery; as a filter, the list's query.
 */
const OFFSET_PAST_PG = /[+-](1[6-9]|2\d)(:?\d\d)?$/;
const offsetPastPostgres = (v: string): boolean => OFFSET_PAST_PG.test(v);
/** ISO 8601 with a time; never the year 0000, never an offset of 16 hours or more. */
const isoTimestamp = z.iso
  .datetime({ offset: true })
  .refine((v) => !inYearZero(v), 'PostgreSQL has no year 0000')
  .refine((v) => !offsetPastPostgres(v), 'PostgreSQL takes offsets up to 15:59');
/** `inYearZero` and `offsetPastPostgres` as the JSON Schema pattern the gateway checks the filters with (besides the format). */
const STORABLE_TIMESTAMP = `^(?!0000)(?!.*${OFFSET_PAST_PG.source})`;

/**
 * One audit entry as it travels on the stream and as it is stored. `type`
 * `request`/`response`: an entity-trail entry (Monite's LogResponse fields);
 * `event`: a project-trail event (`kind`, `details`). Bodies, headers and
 * details are redacted by the publisher (no secret, token or password).
 *
 * A null field may be left out, and publishers leave them out (`auditEntryJson`):
 * absent means null. A project-trail event is mostly nulls, so this is about a
 * third of its bytes that nobody then writes, stores, delivers, decodes or parses.
 *
 * Every field is one PostgreSQL stores as sent (text without NUL or lone
 * surrogates, a status in 100..599, no year 0000): an entry it refused would fail
 * its whole batch at every redelivery, so such an entry is refused here instead.
 */
export const AuditEntrySchema = z.strictObject({
  id: uuid,
  project_id: uuid,
  entity_id: uuid.nullish(),
  entity_user_id: uuid.nullish(),
  client_id: text(200).nullish(),
  type: z.enum(['request', 'response', 'event']),
  kind: z.enum(AUDIT_EVENT_KINDS).nullish(),
  timestamp: isoTimestamp,
  method: text(16).nullish(),
  path: text(2048).nullish(),
  params: z.record(z.string(), z.unknown()).nullish(),
  headers: z.record(z.string(), z.unknown()).nullish(),
  body: z.unknown().optional(),
  content_type: text(200).nullish(),
  status_code: z.number().int().min(100).max(599).nullish(),
  parent_log_id: uuid.nullish(),
  request_id: text(200).nullish(),
  client_ip: text(100).nullish(),
  user_agent: text(1000).nullish(),
  target_service: text(100),
  details: z.record(z.string(), z.unknown()).nullish(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** An entry's JSON as it travels: its null (and undefined) fields left out, since absent means null. Nested values are kept as they are. */
export function auditEntryJson(entry: AuditEntry): string {
  const present: Record<string, unknown> = {};
  for (const key in entry) {
    const value = entry[key as keyof AuditEntry];
    if (value !== null && value !== undefined) present[key] = value;
  }
  return JSON.stringify(present);
}

/** The most entries one batch (one message on the stream) may hold. */
export const AUDIT_BATCH_MAX_ENTRIES = 5_000;

/** What travels on the stream: entries in batches (one message per batch keeps the trail cheap). */
export const AuditBatchSchema = z.strictObject({ entries: z.array(AuditEntrySchema).min(1).max(AUDIT_BATCH_MAX_ENTRIES) });
export type AuditBatch = z.infer<typeof AuditBatchSchema>;

export const AUDIT_PAGE_SIZE_MAX = 100;

/** GET /v1/audit_logs' timestamp filters. */
export const AUDIT_TIME_FILTERS = ['timestamp__gt', 'timestamp__gte', 'timestamp__lt', 'timestamp__lte'] as const;

/**
 * GET /v1/audit_logs' query parameters (Monite's), as JSON Schemas: the gateway
 * validates with them, the OpenAPI document lists them. `iso-date-time` is
 * ajv-formats' (the offset may be left out); the document says `date-time`.
 */
export function auditQueryProperties(dateTimeFormat = 'iso-date-time'): Record<string, Record<string, unknown>> {
  return {
    type: { type: 'string', enum: ['request', 'response'] },
    entity_user_id: { type: 'string', format: 'uuid' },
    ...Object.fromEntries(AUDIT_TIME_FILTERS.map((t) => [t, { type: 'string', format: dateTimeFormat, pattern: STORABLE_TIMESTAMP }])),
    page_size: { type: 'integer', minimum: 1, maximum: AUDIT_PAGE_SIZE_MAX },
    pagination_token: { type: 'string', maxLength: 4096 },
  };
}

/** Filters of a first page (a continuation carries them in its token). */
export const AuditLogFiltersSchema = z.strictObject({
  type: z.enum(['request', 'response']).nullable(),
  entity_user_id: uuid.nullable(),
  timestamp__gt: isoTimestamp.nullable(),
  timestamp__gte: isoTimestamp.nullable(),
  timestamp__lt: isoTimestamp.nullable(),
  timestamp__lte: isoTimestamp.nullable(),
});
export type AuditLogFilters = z.infer<typeof AuditLogFiltersSchema>;

/**
 * `audit.v1.logs.list`: the gateway has checked the caller. `entity_id` null:
 * the project trail (partner tokens only); `actor_entity_user_id` set: an
 * entity-user token, which sees only the entries it triggered.
 */
export const AuditLogsListRequestSchema = z.strictObject({
  project_id: uuid,
  entity_id: uuid.nullable(),
  actor_entity_user_id: uuid.nullable(),
  filters: AuditLogFiltersSchema,
  page_size: z.number().int().min(1).max(AUDIT_PAGE_SIZE_MAX),
  pagination_token: z.string().max(4096).nullable(),
});
export type AuditLogsListRequest = z.infer<typeof AuditLogsListRequestSchema>;

/** Monite's LogResponse, with the project trail's `kind` and `details`. */
export const AuditLogViewSchema = z.object({
  id: uuid,
  body: z.unknown(),
  content_type: z.string().nullable(),
  entity_id: uuid.nullable(),
  entity_user_id: uuid.nullable(),
  headers: z.record(z.string(), z.unknown()).nullable(),
  method: z.string().nullable(),
  params: z.record(z.string(), z.unknown()).nullable(),
  parent_log_id: uuid.nullable(),
  path: z.string().nullable(),
  status_code: z.number().int().nullable(),
  target_service: z.string(),
  timestamp: z.string(),
  type: z.enum(['request', 'response', 'event']),
  kind: z.string().nullable(),
  client_id: z.string().nullable(),
  client_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditLogView = z.infer<typeof AuditLogViewSchema>;

/** Monite's LogsResponse. */
export const AuditLogsPageSchema = z.object({
  data: z.array(AuditLogViewSchema),
  next_pagination_token: z.string().nullable(),
  prev_pagination_token: z.string().nullable(),
});
export type AuditLogsPage = z.infer<typeof AuditLogsPageSchema>;
