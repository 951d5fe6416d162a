const { Client } = require('/work/main/node_modules/pg');
const { randomUUID } = require('crypto');
const COLS = `id uuid, project_id uuid, entity_id uuid, entity_user_id uuid, client_id text, type text, kind text, "timestamp" timestamptz, method text, path text, params jsonb, headers jsonb, body jsonb, content_type text, status_code integer, parent_log_id uuid, request_id text, client_ip text, user_agent text, target_service text, details jsonb`;
const names = 'id, project_id, entity_id, entity_user_id, client_id, type, kind, ts, method, path, params, headers, body, content_type, status_code, parent_log_id, request_id, client_ip, user_agent, target_service, details';
const sel = names.replace(' ts,', ' "timestamp",');
async function run(label, idx, mode) {
  const c = new Client({ host: '127.0.0.1', user: 'postgres', database: 'pgexp' }); await c.connect();
  await c.query('DROP TABLE IF EXISTS audit_log');
  await c.query(`CREATE TABLE audit_log (id uuid ${idx.includes('pk') ? 'PRIMARY KEY' : ''}, project_id uuid NOT NULL, entity_id uuid NULL, entity_user_id uuid NULL, client_id text NULL, type text NOT NULL CHECK (type IN ('request','response','event')), kind text NULL, ts timestamptz NOT NULL, method text, path text, params jsonb, headers jsonb, body jsonb, content_type text, status_code integer, parent_log_id uuid, request_id text, client_ip text, user_agent text, target_service text NOT NULL, details jsonb, stored_at timestamptz NOT NULL DEFAULT now())`);
  if (idx.includes('proj')) await c.query(`CREATE INDEX audit_log_project_ts ON audit_log (project_id, ts DESC, id DESC) WHERE type = 'event'`);
  if (idx.includes('ts')) await c.query(`CREATE INDEX audit_log_ts ON audit_log (ts)`);
  const pid = (await c.query('select pg_backend_pid() p')).rows[0].p;
  const cpu = () => { const s = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (+s[11] + +s[12]) / 100; };
  const N = 300, B = 500; let total = 0; let c0 = 0;
  for (let k = 0; k < N; k++) {
    if (k === 50) { c0 = cpu(); total = 0; }
    const entries = []; for (let i = 0; i < B; i++) entries.push({ id: randomUUID(), project_id: '3f1c1a52-1d7e-4a8e-9f51-3c6f8c1b2a11', entity_id: null, entity_user_id: null, client_id: 'abc123', type: 'event', kind: 'token.issued', timestamp: new Date().toISOString(), method: null, path: null, params: null, headers: null, body: null, content_type: null, status_code: null, parent_log_id: null, request_id: 'req-'+i, client_ip: null, user_agent: null, target_service: 'auth', details: { grant_type: 'client_credentials', client_id: 'abc123' } });
    let q = `INSERT INTO audit_log (${names}) SELECT ${sel} FROM json_to_recordset($1::json) AS e(${COLS}) ${idx.includes('pk') ? 'ON CONFLICT (id) DO NOTHING' : ''}`;
    if (mode === 'select') q = `SELECT count(*) FROM json_to_recordset($1::json) AS e(${COLS})`;
    await c.query('BEGIN'); await c.query(q, [JSON.stringify(entries)]); await c.query('COMMIT'); total += B;
  }
  console.log(label.padEnd(22), 'pg cpu us/row', ((cpu() - c0) * 1e6 / total).toFixed(1));
  await c.end();
}
(async () => {
  for (let r = 0; r < 2; r++) {
  await run('select only', [], 'select');
  await run('heap only', []);
  await run('pk', ['pk']);
  await run('pk+proj', ['pk', 'proj']);
  await run('pk+proj+ts', ['pk', 'proj', 'ts']);
  }
})();
