import type { AuditEntry } from '@gatehouse/contracts';
import { auditEntry } from './audit-entry.fixture';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, copyBinary } from './copy-binary';
import { COPY_COLUMNS } from './copy-text';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry =>
  auditEntry({ project_id: '7C9E6679-7425-40DE-944B-E07FC1F90AE7', timestamp: '2000-01-01T00:00:00.001Z', status_code: 201, user_agent: 'ü🚀', ...over });

/** Reads binary COPY rows back: per row, each field's bytes (null for a null). */
function readRows(buf: Buffer): Array<Array<Buffer | null>> {
  const rows: Array<Array<Buffer | null>> = [];
  let at = 0;
  while (at < buf.length) {
    const n = buf.readInt16BE(at);
    at += 2;
    const fields: Array<Buffer | null> = [];
    for (let i = 0; i < n; i++) {
      const len = buf.readInt32BE(at);
      at += 4;
      fields.push(len < 0 ? null : buf.subarray(at, (at += len)));
    }
    rows.push(fields);
  }
  return rows;
}

/** Microseconds since 2000-01-01Z, independently: BigInt arithmetic on the Unix milliseconds. */
const micros = (iso: string) => (BigInt(Date.parse(iso)) - 946_684_800_000n) * 1000n;

describe('copyBinary', () => {
  it("writes one row per entry, a field per column, in PostgreSQL's binary forms", () => {
    const rows = readRows(copyBinary([entry(), entry({ status_code: null, details: null, entity_id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })]) as Buffer);
    expect(rows).toHaveLength(2);
    const columns = COPY_COLUMNS.split(', ');
    const [first, second] = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
    expect(rows[0]).toHaveLength(columns.length);
    expect(first.id?.toString('hex')).toBe('0f8fad5bd9cb469fa16570867728950e');
    expect(first.project_id?.toString('hex')).toBe('7c9e6679742540de944be07fc1f90ae7');
    expect(first.entity_id).toBeNull();
    expect(first.user_agent?.toString('utf8')).toBe('ü🚀');
    expect(first.ts?.readBigInt64BE()).toBe(1000n);
    expect(first.status_code?.readInt32BE()).toBe(201);
    expect(JSON.parse(first.details?.toString('utf8') ?? '')).toEqual({ grant_type: 'client_credentials' });
    expect(second.status_code).toBeNull();
    expect(second.details).toBeNull();
    expect(second.entity_id?.toString('hex')).toBe('1b4e28ba2fa111d2883f0016d3cca427');
  });

  it('writes every timestamp exactly, before the epoch and past 2^53 microseconds', () => {
    for (const ts of ['0001-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00.000Z', '2026-12-07T05:00:00.123Z', '9999-12-31T23:59:59.999Z']) {
      const [row] = readRows(copyBinary([entry({ timestamp: ts })]) as Buffer);
      expect({ ts, micros: row[7]?.readBigInt64BE() }).toEqual({ ts, micros: micros(ts) });
    }
  });

  it('grows its buffer for a large entry', () => {
    const big = 'x'.repeat(100_000) + '🚀'.repeat(1_000);
    const [row] = readRows(copyBinary([entry({ body: { big } })]) as Buffer);
    expect(JSON.parse(row[12]?.toString('utf8') ?? '')).toEqual({ big });
  });

  it('declines (null: COPY text instead) a timestamp Date#toISOString would not write, or a field it cannot spell', () => {
    for (const timestamp of ['2026-12-07T05:00:00.123456Z', '2026-12-07T05:00:00.123+01:00', '2026-12-07T05:00:00Z', '+012026-12-07T05:00:00.000Z']) {
      expect(copyBinary([entry(), entry({ timestamp })])).toBeNull();
    }
    expect(copyBinary([entry({ id: '0f8fad5b-d9cb-469f-a165-70867728950g' })])).toBeNull();
    expect(copyBinary([entry({ id: '0f8fad5bXd9cbX469fXa165X70867728950e' })])).toBeNull();
    expect(copyBinary([entry({ status_code: 2 ** 31 })])).toBeNull();
  });

  it('frames a COPY stream with the binary signature and the end-of-data marker', () => {
    expect(COPY_BINARY_HEADER.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(COPY_BINARY_HEADER.subarray(11).readInt32BE()).toBe(0);
    expect(COPY_BINARY_HEADER).toHaveLength(19);
    expect(COPY_BINARY_TRAILER.readInt16BE()).toBe(-1);
  });
});
