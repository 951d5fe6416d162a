import {
  formatCredentials,
  formatCredentialsCreated,
  formatProjectCreated,
  formatProjects,
  table,
  writeError,
} from './output';

const project = { project_id: 'p-1', name: 'Acme', created_at: '2026-01-01T00:00:00.000Z' };
const created = {
  project_id: 'p-1',
  client_id: 'c-1',
  client_secret: 's3cr3t',
  created_at: '2026-01-01T00:00:01.000Z',
};

function buffers() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('output', () => {
  it('aligns table columns and leaves the last one unpadded', () => {
    expect(table(['A', 'BB'], [['xxx', 'y'], ['z', 'long value']])).toBe('A    BB\nxxx  y\nz    long value');
  });

  it('shows a client secret with the shown-once note', () => {
    const text = formatCredentialsCreated(created);
    expect(text).toContain('client_id:     c-1');
    expect(text).toContain('client_secret: s3cr3t');
    expect(text).toMatch(/shown once: store it now/);
    expect(formatProjectCreated(project, created)).toMatch(/^Project created: p-1 \(Acme\)\n\n/);
  });

  it('lists projects and credentials, or says how to make the first one', () => {
    expect(formatProjects([])).toContain('npm run cli -- project create --name <name>');
    expect(formatProjects([project]).split('\n')).toEqual([
      'PROJECT ID  CREATED                   NAME',
      'p-1         2026-01-01T00:00:00.000Z  Acme',
    ]);
    expect(formatCredentials('p-1', [])).toContain('credentials create --project p-1');
    const now = Date.parse('2026-06-01T00:00:00.000Z');
    const listed = formatCredentials(
      'p-1',
      [
        { client_id: 'c-1', project_id: 'p-1', created_at: 't1', revoked_at: null },
        { client_id: 'c-2', project_id: 'p-1', created_at: 't2', revoked_at: 't3', name: 'old', created_by: 'cli' },
        { client_id: 'c-3', project_id: 'p-1', created_at: 't4', revoked_at: null, name: 'web', created_by: 'dev@example.com', last_used_at: 't5', expires_at: '2026-05-01T00:00:00.000Z' },
        { client_id: 'c-4', project_id: 'p-1', created_at: 't6', revoked_at: null, name: 'web', created_by: 'dev@example.com', expires_at: '2026-07-01T00:00:00.000Z' },
      ],
      now,
    );
    expect(listed.split('\n')).toEqual([
      'CLIENT ID  NAME  CREATED  BY               LAST USED  STATUS',
      'c-1        -     t1       -                never      active',
      'c-2        old   t2       cli              never      revoked t3',
      'c-3        web   t4       dev@example.com  t5         expired 2026-05-01T00:00:00.000Z',
      'c-4        web   t6       dev@example.com  never      active, expires 2026-07-01T00:00:00.000Z',
    ]);
  });

  it('writes errors on stderr, and as the one JSON object on stdout with --json', () => {
    const plain = buffers();
    writeError(plain.io, false, 'not_found', 'No such project');
    expect(plain.out).toEqual([]);
    expect(plain.err.join('')).toBe('error: No such project\n');

    const json = buffers();
    writeError(json.io, true, 'not_found', 'No such project', 'a hint');
    expect(JSON.parse(json.out.join(''))).toEqual({ error: { code: 'not_found', message: 'No such project' } });
    expect(json.err.join('')).toBe('error: No such project\na hint\n');
  });
});
