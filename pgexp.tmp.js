const { Client } = require('/work/main/node_modules/pg');
const { randomUUID, randomBytes } = require('crypto');
function v7() { const b = randomBytes(16); const t = Date.now(); b.writeUIntBE(t, 0, 6); b[6] = (b[6] & 0x0f) | 0x70; b[8] = (b[8] & 0x3f) | 0x80; const h = b.toString('hex'); return `${h.slice(0,8)}-${h.slice(8,12)}-${h.slice(12,16)}-${h.slice(16,20)}-${h.slice(20)}`; }
const COLS = `id uuid, project_id uuid, entity_id uuid, entity_user_id uuid, client_id text, type text, kind text, "timestamp" timestamptz, method text, path text, params jsonb, headers jsonb, body jsonb, content_type text, status_code integer, parent_log_id uuid, request_id text, client_ip text, user_agent text, target_service text, details jsonb`;
const names = 'id, project_id, entity_id, entity_user_id, client_id, type, kind, ts, method, path, params, headers, body, content_type, status_code, parent_log_id, request_id, client_ip, user_agent, target_service, details';
const sel = names.replace(' ts,', ' "timestamp",');
async function run(label, ddl, idf, mode) {
  const c = new Client({ host: '127.0.0.1', user: 'postgres', database: 'pgexp' }); await c.connect();
  await c.query('DROP TABLE IF EXISTS audit_log');
  await c.query(`CREATE TABLE audit_log (id uuid PRIMARY KEY, project_id uuid NOT NULL, entity_id uuid NULL, entity_user_id uuid NULL, client_id text NULL, type text NOT NULL CHECK (type IN ('request','response','event')), kind text NULL, ts timestamptz NOT NULL, method text, path text, params jsonb, headers jsonb, body jsonb, content_type text, status_code integer, parent_log_id uuid, request_id text, client_ip text, user_agent text, target_service text NOT NULL, details jsonb, stored_at timestamptz NOT NULL DEFAULT now())`);
  await c.query(`CREATE INDEX audit_log_entity_ts ON audit_log (project_id, entity_id, ts DESC, id DESC) WHERE entity_id IS NOT NULL`);
  await c.query(`CREATE INDEX audit_log_project_ts ON audit_log (project_id, ts DESC, id DESC) WHERE type = 'event'`);
  await c.query(ddl);
  const pid = (await c.query('select pg_backend_pid() p')).rows[0].p;
  const cpu = () => { const s = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (+s[11] + +s[12]) / 100; };
  const N = 400, B = 500; let total = 0; const c0 = cpu(); const t0 = Date.now();
  for (let k = 0; k < N; k++) {
    const entries = []; for (let i = 0; i < B; i++) entries.push({ id: idf(), project_id: '3f1c1a52-1d7e-4a8e-9f51-3c6f8c1b2a11', entity_id: null, entity_user_id: null, client_id: 'abc123', type: 'event', kind: 'token.issued', timestamp: new Date().toISOString(), method: null, path: null, params: null, headers: null, body: null, content_type: null, status_code: null, parent_log_id: null, request_id: 'req-'+i, client_ip: null, user_agent: null, target_service: 'auth', details: { grant_type: 'client_credentials', client_id: 'abc123' } });
    let q, p;
    if (mode === 'nested') { q = `INSERT INTO audit_log (${names}) SELECT ${sel} FROM json_array_elements($1::json) b, json_to_recordset(b->'entries') AS e(${COLS}) ON CONFLICT (id) DO NOTHING`; p = [ '[' + JSON.stringify({entries}) + ']' ]; }
    else { q = `INSERT INTO audit_log (${names}) SELECT ${sel} FROM json_to_recordset($1::json) AS e(${COLS}) ON CONFLICT (id) DO NOTHING`; p = [JSON.stringify(entries)]; }
    await c.query('BEGIN'); await c.query(q, p); await c.query('COMMIT'); total += B;
  }
  console.log(label, 'pg cpu us/row', ((cpu() - c0) * 1e6 / total).toFixed(1), 'wall us/row', ((Date.now() - t0) * 1e3 / total).toFixed(1));
  await c.end();
}
(async () => {
  const a = new Client({ host: '127.0.0.1', user: 'postgres', database: 'postgres' }); await a.connect();
  await a.query('DROP DATABASE IF EXISTS pgexp'); await a.query('CREATE DATABASE pgexp'); await a.end();
  for (let r = 0; r < 2; r++) {
  await run('btree-ts v4   ', 'CREATE INDEX audit_log_ts ON audit_log (ts)', randomUUID);
  await run('brin-ts  v4   ', 'CREATE INDEX audit_log_ts ON audit_log USING brin (ts)', randomUUID);
  await run('brin-ts  v7   ', 'CREATE INDEX audit_log_ts ON audit_log USING brin (ts)', v7);
  await run('brin v7 nested', 'CREATE INDEX audit_log_ts ON audit_log USING brin (ts)', v7, 'nested');
  await run('no-ts-idx v7  ', 'SELECT 1', v7);
  }
})();
