const { Client } = require('/work/main/node_modules/pg');
const { randomUUID } = require('crypto');
(async () => {
  const c = new Client({ host: '127.0.0.1', user: 'postgres', database: 'pgexp' }); await c.connect();
  const pid = (await c.query('select pg_backend_pid() p')).rows[0].p;
  const cpu = () => { const s = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (+s[11] + +s[12]) / 100; };
  const mk = () => { const entries = []; for (let i = 0; i < 500; i++) entries.push({ id: randomUUID(), project_id: '3f1c1a52-1d7e-4a8e-9f51-3c6f8c1b2a11', entity_id: null, entity_user_id: null, client_id: 'abc123', type: 'event', kind: 'token.issued', timestamp: new Date().toISOString(), method: null, path: null, params: null, headers: null, body: null, content_type: null, status_code: null, parent_log_id: null, request_id: 'req-'+i, client_ip: null, user_agent: null, target_service: 'auth', details: { grant_type: 'client_credentials', client_id: 'abc123' } }); return JSON.stringify(entries); };
  const variants = {
    all: `id uuid, project_id uuid, entity_id uuid, entity_user_id uuid, client_id text, type text, kind text, "timestamp" timestamptz, method text, path text, params jsonb, headers jsonb, body jsonb, content_type text, status_code integer, parent_log_id uuid, request_id text, client_ip text, user_agent text, target_service text, details jsonb`,
    ts_text: `id uuid, project_id uuid, entity_id uuid, entity_user_id uuid, client_id text, type text, kind text, "timestamp" text, method text, path text, params jsonb, headers jsonb, body jsonb, content_type text, status_code integer, parent_log_id uuid, request_id text, client_ip text, user_agent text, target_service text, details jsonb`,
    details_text: `id uuid, project_id uuid, entity_id uuid, entity_user_id uuid, client_id text, type text, kind text, "timestamp" timestamptz, method text, path text, params jsonb, headers jsonb, body jsonb, content_type text, status_code integer, parent_log_id uuid, request_id text, client_ip text, user_agent text, target_service text, details text`,
    two: `id uuid, "timestamp" timestamptz`,
    one: `id text`,
  };
  for (let r = 0; r < 2; r++) for (const [name, cols] of Object.entries(variants)) {
    const bodies = []; for (let k = 0; k < 100; k++) bodies.push(mk());
    const c0 = cpu();
    for (const b of bodies) await c.query(`SELECT count(*) FROM json_to_recordset($1::json) AS e(${cols})`, [b]);
    console.log(name.padEnd(14), ((cpu() - c0) * 1e6 / 50000).toFixed(1), 'us/row');
    const c1 = cpu();
    for (const b of bodies) await c.query(`SELECT count(*) FROM jsonb_to_recordset($1::jsonb) AS e(${cols})`, [b]);
    console.log((name + ' jsonb').padEnd(14), ((cpu() - c1) * 1e6 / 50000).toFixed(1), 'us/row');
  }
  await c.end();
})();
