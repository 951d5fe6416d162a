import { auditEntry } from './audit-entry.fixture';
import { COPY_COLUMNS, copyText } from './copy-text';

const entry = auditEntry;

/** Reads one COPY text line back as PostgreSQL would (the format's escapes undone). */
function parseLine(line: string): Array<string | null> {
  return line.split('\t').map((f) => (f === '\\N' ? null : f.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[c] ?? c)));
}

describe('copyText', () => {
  it('writes one line per entry, one field per column, nulls as \\N', () => {
    const text = copyText([entry(), entry({ id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })]);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2);
    const columns = COPY_COLUMNS.split(', ');
    const fields = parseLine(lines[0]);
    expect(fields).toHaveLength(columns.length);
    const row = Object.fromEntries(columns.map((c, i) => [c, fields[i]]));
    expect(row).toMatchObject({ id: entry().id, ts: '2026-12-06T06:00:00.000Z', kind: 'token.issued', method: null, status_code: null });
    expect(JSON.parse(row.details as string)).toEqual({ grant_type: 'client_credentials' });
  });

  it('escapes tabs, line breaks and backslashes so that no field or line is split', () => {
    const hostile = 'a\tb\nc\rd\\e\\N';
    const text = copyText([entry({ user_agent: hostile, body: { note: hostile }, status_code: 201 })]);
    expect(text.split('\n')).toHaveLength(2);
    const columns = COPY_COLUMNS.split(', ');
    const row = Object.fromEntries(columns.map((c, i) => [c, parseLine(text.slice(0, -1))[i]]));
    expect(row.user_agent).toBe(hostile);
    expect(JSON.parse(row.body as string)).toEqual({ note: hostile });
    expect(row.status_code).toBe('201');
  });

  it('writes a JSON body that is not an object (a string, an array) as JSON', () => {
    const columns = COPY_COLUMNS.split(', ');
    const fields = parseLine(copyText([entry({ body: ['x', 1] })]).slice(0, -1));
    expect(JSON.parse(fields[columns.indexOf('body')] as string)).toEqual(['x', 1]);
  });

  it('writes each field in the column of its name, and an absent field as null', () => {
    const columns = COPY_COLUMNS.split(', ');
    const full = entry({
      entity_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      entity_user_id: '6ba7b810-9dad-41d1-80b4-00c04fd430c8',
      method: 'POST',
      path: '/v1/roles',
      params: { q: 'p' },
      headers: { accept: 'h' },
      body: { b: 1 },
      content_type: 'application/json',
      status_code: 201,
      parent_log_id: '9b2e2a1e-6d1b-4bb4-9d7e-2b3f5c1a0e11',
      client_ip: '10.0.0.1',
      user_agent: 'agent/1',
    });
    const fields = parseLine(copyText([full]).slice(0, -1));
    expect(fields).toHaveLength(columns.length);
    for (const [i, column] of columns.entries()) {
      const value = full[(column === 'ts' ? 'timestamp' : column) as keyof AuditEntry];
      expect([column, fields[i]]).toEqual([column, typeof value === 'object' ? JSON.stringify(value) : String(value)]);
    }
    const absent = parseLine(copyText([{ id: full.id, project_id: full.project_id, type: 'event', timestamp: full.timestamp, target_service: 'auth' }]).slice(0, -1));
    expect(columns.filter((c, i) => absent[i] !== null)).toEqual(['id', 'project_id', 'type', 'ts', 'target_service']);
  });
});
