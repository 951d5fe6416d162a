import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { AUDIT_EVENT_KINDS, AuditEntry, isText } from '@gatehouse/contracts';
import { createDatabase, dropDatabase, testDatabaseName, withDatabase } from '@gatehouse/supervisor';
import { AUDIT_MIGRATIONS } from '../app.module';
import { storeBatch } from './audit-log.repository';
import { copyBinary } from './copy-binary';
import { copyText } from './copy-text';

/*
 * The binary COPY rows (copyBinary) against COPY text (copyText), each stored by
 * storeBatch on the real PostgreSQL and schema (the service's migrations, a
 * database of its own): any entry the contract accepts is stored the same either
 * way, every column, to the microsecond and the byte. The text path is the one
 * the trail was first proved with; it is the reference here.
 */

jest.setTimeout(120_000);

const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
/** Text the contract accepts (no NUL, no lone surrogate), with what COPY text must escape and UTF-8 of every width mixed in. */
const text = (max: number) =>
  fc
    .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('\t', '\n', '\r', '\\', '\\N', '\\.', 'é', '日本', '🚀', '"', "'", ',')), { maxLength: 6 })
    .map((parts) => parts.join('').slice(0, max))
    .filter((s) => isText(s, max));
const json = fc.jsonValue({ maxDepth: 2 });
const record = fc.dictionary(text(8), json, { maxKeys: 3 });
/** Date#toISOString's spelling, over the whole range PostgreSQL and the contract share (years 0001 to 9999), the epochs and their neighbours weighted in. */
const timestamp = fc
  .oneof(
    fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
    fc.constantFrom(0, -1, 1, 946_684_800_000, 946_684_799_999, 946_684_800_001, 2 ** 32, 2 ** 32 - 1, -(2 ** 32)).map((ms) => new Date(ms)),
  )
  .map((d) => d.toISOString());

const entry: fc.Arbitrary<AuditEntry> = fc.record({
  id: fc.uuid(),
  project_id: fc.uuid(),
  entity_id: nullable(fc.uuid()),
  entity_user_id: nullable(fc.uuid()),
  client_id: nullable(text(200)),
  type: fc.constantFrom('request' as const, 'response' as const, 'event' as const),
  kind: nullable(fc.constantFrom(...AUDIT_EVENT_KINDS)),
  timestamp,
  method: nullable(text(16)),
  path: nullable(text(2048)),
  params: nullable(record),
  headers: nullable(record),
  body: json,
  content_type: nullable(text(200)),
  status_code: nullable(fc.integer({ min: 100, max: 599 })),
  parent_log_id: nullable(fc.uuid()),
  request_id: nullable(text(200)),
  client_ip: nullable(text(100)),
  user_agent: nullable(text(1000)),
  target_service: text(100),
  details: nullable(record),
});

describe('copyBinary, stored', () => {
  const url = withDatabase(PG, testDatabaseName('audit_copy_binary'));
  let ds: DataSource;

  /** Every column as PostgreSQL holds it, as text (a timestamp to the microsecond, JSON as written), in id order. */
  const rows = async (): Promise<unknown[]> =>
    ds.query(
      `SELECT id, project_id, entity_id, entity_user_id, client_id, type, kind, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts, method, path,
              params::text, headers::text, body::text, content_type, status_code, parent_log_id, request_id, client_ip, user_agent, target_service, details::text
         FROM audit_log ORDER BY id`,
    );
  const store = async (batch: { binary?: Buffer[]; text?: Buffer[] }, entries: AuditEntry[]) => {
    await ds.query('TRUNCATE audit_log');
    expect(await storeBatch(ds, { binary: batch.binary ?? [], text: batch.text ?? [], count: entries.length, entries: () => entries })).toBe(entries.length);
    return rows();
  };

  beforeAll(async () => {
    await createDatabase(url);
    ds = await new DataSource({ type: 'postgres', url, migrations: AUDIT_MIGRATIONS }).initialize();
    await ds.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url).catch(() => undefined);
  });

  it('stores every entry the contract accepts exactly as COPY text does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(entry, { minLength: 1, maxLength: 12, selector: (e) => e.id }), async (entries) => {
        const binary = copyBinary(entries);
        expect(binary).not.toBeNull();
        const viaBinary = await store({ binary: [binary as Buffer] }, entries);
        const viaText = await store({ text: [Buffer.from(copyText(entries))] }, entries);
        expect(viaBinary).toEqual(viaText);
      }),
      { numRuns: 60 },
    );
  });

  it('stores one pull of binary and text chunks in one transaction, and the text chunk as PostgreSQL parses it', async () => {
    const base = fc.sample(entry, { numRuns: 3, seed: 7 });
    // An offset and microseconds: the schema accepts them, Date#toISOString never writes them; copyBinary leaves such a message to COPY text.
    const odd = { ...base[2], timestamp: '2026-12-07T06:00:00.123456+01:00' };
    expect(copyBinary([odd])).toBeNull();
    const stored = await store({ binary: [copyBinary(base.slice(0, 2)) as Buffer], text: [Buffer.from(copyText([odd]))] }, [...base.slice(0, 2), odd]);
    expect(stored).toHaveLength(3);
    expect(stored).toContainEqual(expect.objectContaining({ id: odd.id, ts: '2026-12-07 05:00:00.123456' }));
  });

  it('falls back to the idempotent insert when a binary chunk holds an entry stored already', async () => {
    const [a, b] = fc.sample(entry, { numRuns: 2, seed: 11 });
    await ds.query('TRUNCATE audit_log');
    expect(await storeBatch(ds, { binary: [copyBinary([a]) as Buffer], text: [], count: 1, entries: () => [a] })).toBe(1);
    expect(await storeBatch(ds, { binary: [copyBinary([a, b]) as Buffer], text: [], count: 2, entries: () => [a, b] })).toBe(1);
    expect(((await rows()) as Array<{ id: string }>).map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
  });
});
