import fc from 'fast-check';
import { isWellFormedAuditBatch } from './audit-batch.guard';
import { AUDIT_EVENT_KINDS, AuditBatchSchema, AuditEntry, auditEntryJson, AuditLogFiltersSchema, auditQueryProperties } from './audit.dto';

/**
 * The audit consumer's precompiled check may only ever accept what AuditBatchSchema
 * accepts, and must then equal what the schema returns (the consumer stores the raw
 * value). It must also accept every batch the publishers write, or it would not be
 * the fast path it is for.
 */
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const text = (max: number) => fc.oneof(fc.string({ maxLength: max }), fc.string({ minLength: max - 1, maxLength: max + 1 }));
const timestamp = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
const record = fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

const wellFormedEntry = fc
  .record({
    id: fc.uuid(),
    project_id: fc.uuid(),
    entity_id: nullable(fc.uuid()),
    entity_user_id: nullable(fc.uuid()),
    client_id: nullable(fc.string({ maxLength: 200 })),
    type: fc.constantFrom('request', 'response', 'event'),
    kind: nullable(fc.constantFrom(...AUDIT_EVENT_KINDS)),
    timestamp,
    method: nullable(fc.string({ maxLength: 16 })),
    path: nullable(fc.string({ maxLength: 2048 })),
    params: nullable(record),
    headers: nullable(record),
    body: fc.jsonValue({ maxDepth: 2 }),
    content_type: nullable(fc.string({ maxLength: 200 })),
    status_code: nullable(fc.integer({ min: 100, max: 599 })),
    parent_log_id: nullable(fc.uuid()),
    request_id: nullable(fc.string({ maxLength: 200 })),
    client_ip: nullable(fc.string({ maxLength: 100 })),
    user_agent: nullable(fc.string({ maxLength: 1000 })),
    target_service: fc.string({ maxLength: 100 }),
    details: nullable(record),
  })
  .chain((e) =>
    // As the consumer sees it: through JSON, as the publishers write it (null fields left out), with every null kept (older publishers), or some left out.
    fc.constantFrom(auditEntryJson(e as AuditEntry), JSON.stringify(e), JSON.stringify(e, (k, v) => (k && v === null && k.length % 2 ? undefined : v))),
  )
  .map((json) => JSON.parse(json) as Record<string, unknown>);

const REQUIRED = ['id', 'project_id', 'type', 'timestamp', 'target_service'];
const KEYS = ['id', 'project_id', 'entity_id', 'entity_user_id', 'client_id', 'type', 'kind', 'timestamp', 'method', 'path', 'params', 'headers', 'body', 'content_type', 'status_code', 'parent_log_id', 'request_id', 'client_ip', 'user_agent', 'target_service', 'details'];
/** Anything JSON can carry where a field is expected: mostly near misses. */
const fieldValue = fc.oneof(
  fc.uuid(),
  fc.constantFrom('', 'x', 'event', 'token.issued', 'robot', '2026-02-30T00:00:00.000Z', '2026-12-06T06:00:00Z', '2026-12-06T06:00:00.000+01:00', '+275760-09-13T00:00:00.000Z', 'ABCDEF00-0000-4000-8000-000000000000'),
  text(16),
  text(100),
  fc.constantFrom(null, true, false, 0, 1.5, -1, 1e300, Number.MAX_SAFE_INTEGER + 2, 99, 100, 599, 600, 2 ** 31),
  // What PostgreSQL cannot store as sent: NUL, a lone surrogate, the year 0000.
  fc.constantFrom('a\u0000b', '\ud800', 'x\udc00', '\ud83d\ude00', '0000-01-01T00:00:00.000Z', '0000-12-31T23:59:59.999Z', '0001-01-01T00:00:00.000Z'),
  fc.constantFrom([], ['x'], {}, { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
);
/** A well-formed entry with one or two things changed: a key dropped, a value swapped, a key added. */
const nearEntry = fc
  .tuple(wellFormedEntry, fc.array(fc.tuple(fc.constantFrom<'drop' | 'swap' | 'add'>('drop', 'swap', 'add'), fc.constantFrom(...KEYS, 'extra', '__proto__'), fieldValue), { minLength: 1, maxLength: 2 }))
  .map(([entry, edits]) => {
    for (const [op, key, value] of edits) {
      if (op === 'drop') delete entry[key];
      // defineProperty: an own "__proto__" key, as JSON.parse makes it (an assignment would set the prototype).
      else Object.defineProperty(entry, op === 'add' && KEYS.includes(key) ? `${key}_` : key, { value: structuredClone(value), enumerable: true, writable: true, configurable: true });
    }
    return JSON.parse(JSON.stringify(entry)) as unknown;
  });
const batch = (entry: fc.Arbitrary<unknown>) => fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries) => ({ entries }));

describe('isWellFormedAuditBatch (the audit consumer\'s precompiled check)', () => {
  it('never accepts what AuditBatchSchema refuses, and what it accepts the schema returns unchanged', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: batch(nearEntry) }, batch(wellFormedEntry), batch(fc.jsonValue({ maxDepth: 2 })), fc.jsonValue({ maxDepth: 3 })), (value) => {
        if (!isWellFormedAuditBatch(value)) return;
        const parsed = AuditBatchSchema.safeParse(value);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(value);
      }),
      { numRuns: 10_000 },
    );
  });

  it('accepts every well-formed batch (it is the fast path for all of them)', () => {
    fc.assert(
      fc.property(batch(wellFormedEntry), (value) => {
        expect(AuditBatchSchema.safeParse(value).success).toBe(true);
        expect(isWellFormedAuditBatch(value)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes a timestamp of any digits in the publishers\' shape only where the schema does', () => {
    const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
    // Field by field, with the values around each field's bounds the likeliest.
    const field = (n: number, near: string[]) => fc.oneof(fc.constantFrom(...near), digits(n));
    const ok = fc.sample(wellFormedEntry, { numRuns: 1, seed: 2 })[0] as Record<string, unknown>;
    fc.assert(
      fc.property(
        field(4, ['0000', '0001', '1970', '9999']),
        field(2, ['00', '01', '02', '12', '13']),
        field(2, ['00', '01', '28', '29', '30', '31', '32']),
        field(2, ['00', '23', '24']),
        field(2, ['00', '59', '60']),
        field(2, ['00', '59', '60']),
        digits(3),
        (y, mo, d, h, mi, s, ms) => {
          const value = { entries: [{ ...ok, timestamp: `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z` }] };
          expect(isWellFormedAuditBatch(value)).toBe(AuditBatchSchema.safeParse(value).success);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('refuses the near misses a hand check gets wrong', () => {
    const ok = fc.sample(wellFormedEntry, { numRuns: 1, seed: 1 })[0];
    expect(isWellFormedAuditBatch({ entries: [ok] })).toBe(true);
    const misses: unknown[] = [
      { entries: [] },
      { entries: [ok], extra: 1 },
      { entries: [{ ...ok, timestamp: '2026-02-30T00:00:00.000Z' }] },
      ...['2026-13-01T00:00:00.000Z', '2026-00-01T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T00:60:00.000Z', '2026-01-01T00:00:60.000Z'].map(
        (timestamp) => ({ entries: [{ ...ok, timestamp }] }),
      ),
      ...REQUIRED.map((key) => ({ entries: [Object.fromEntries(Object.entries(ok).filter(([k]) => k !== key))] })),
      { entries: [{ ...ok, status_code: 1.5 }] },
      { entries: [{ ...ok, status_code: 99 }] },
      { entries: [{ ...ok, status_code: 600 }] },
      { entries: [{ ...ok, status_code: 2 ** 31 }] },
      { entries: [{ ...ok, timestamp: '0000-01-01T00:00:00.000Z' }] },
      { entries: [{ ...ok, client_id: 'a\u0000b' }] },
      { entries: [{ ...ok, user_agent: '\ud800' }] },
      { entries: [{ ...ok, details: ['x'] }] },
      { entries: [{ ...ok, kind: 'robot' }] },
      { entries: [{ ...ok, target_service: 'x'.repeat(101) }] },
      { entries: [Object.assign(Object.create(null), ok)] },
      JSON.parse(`{"entries":[${JSON.stringify(ok).slice(0, -1)},"__proto__":{"x":1}}]}`),
      { entries: Array.from({ length: 5_001 }, () => ok) },
    ];
    for (const m of misses) expect(isWellFormedAuditBatch(m)).toBe(false);
  });
});

describe('audit timestamps PostgreSQL cannot take', () => {
  const ok = fc.sample(wellFormedEntry, { numRuns: 1, seed: 1 })[0];
  const filters = { type: null, entity_user_id: null, timestamp__gt: null, timestamp__gte: null, timestamp__lt: null };

  it('refuses an offset of 16 hours or more (PostgreSQL: "time zone displacement out of range"), in an entry, a filter and the query schema', () => {
    const pattern = new RegExp(String(auditQueryProperties().timestamp__gt.pattern), 'u');
    for (const ts of ['2026-06-01T00:00:00+16:00', '2026-06-01T00:00:00.000-23:59', '2026-06-01T00:00:00+1600', '2026-06-01T00:00:00-19']) {
      expect({ ts, entry: AuditBatchSchema.safeParse({ entries: [{ ...ok, timestamp: ts }] }).success }).toEqual({ ts, entry: false });
      expect({ ts, filter: AuditLogFiltersSchema.safeParse({ ...filters, timestamp__lte: ts }).success }).toEqual({ ts, filter: false });
      expect({ ts, query: pattern.test(ts) }).toEqual({ ts, query: false });
    }
    for (const ts of ['2026-06-01T00:00:00+15:59', '2026-06-01T00:00:00.123-15:00', '2026-06-01T00:00:00Z', '2026-06-16T16:16:16.016+01:16']) {
      expect({ ts, entry: AuditBatchSchema.safeParse({ entries: [{ ...ok, timestamp: ts }] }).success }).toEqual({ ts, entry: true });
      expect({ ts, filter: AuditLogFiltersSchema.safeParse({ ...filters, timestamp__lte: ts }).success }).toEqual({ ts, filter: true });
      expect({ ts, query: pattern.test(ts) }).toEqual({ ts, query: true });
    }
  });
});
