const { Client } = require('pg'); const { from } = require('pg-copy-streams'); const fs = require('fs');
const { pipeline } = require('stream/promises'); const { Readable } = require('stream');
const COLS = require('/work/main/dist/apps/audit/src/store/copy-text').COPY_COLUMNS;
const ticks = (pid) => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return +f[11] + +f[12]; };
const all = () => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).reduce((s, p) => { try { const st = fs.readFileSync(`/proc/${p}/stat`, 'utf8'); return st.includes('(postgres)') ? s + ticks(p) : s; } catch { return s; } }, 0);
(async () => {
  const c = new Client({ host: '127.0.0.1', user: 'postgres', database: 'pgcost' }); await c.connect();
  for (const setup of (process.argv[2] || '').split(';').filter(Boolean)) await c.query(setup);
  await c.query('truncate audit_log'); await c.query('checkpoint');
  const chunks = fs.readdirSync('/tmp').filter((f) => f.startsWith('chunk.')).sort().map((f) => fs.readFileSync('/tmp/' + f));
  const a = all(); const t0 = Date.now();
  for (const ch of chunks) { await c.query('BEGIN'); await pipeline(Readable.from([ch]), c.query(from(`COPY audit_log (${COLS}) FROM STDIN`))); await c.query('COMMIT'); }
  const b = all();
  console.log(process.argv[2] || 'as is', ((b - a) * 10000 / 200000).toFixed(1), 'µs/row CPU (all postgres procs)', ((Date.now() - t0) * 1000 / 200000).toFixed(1), 'µs/row wall');
  await c.end();
})();
