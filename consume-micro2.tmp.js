const { randomUUID } = require('crypto');
const { projectEventEntry } = require('@gatehouse/platform');
const { isWellFormedAuditBatch } = require('@gatehouse/contracts');
const { copyText } = require('/work/main/dist/apps/audit/src/store/copy-text');
const N = 400, M = 50;
const pid = randomUUID();
const entry = () => projectEventEntry({ kind: 'token.issued', projectId: pid, clientId: randomUUID(), entityUserId: null, requestId: randomUUID(), service: 'auth',
    details: { grant_type: 'client_credentials', jti: randomUUID(), expires_in: 1800, via: 'http' } });
const compact = (e) => { const o = {}; for (const k in e) if (e[k] !== null) o[k] = e[k]; return o; };
function mk(f) { const msgs = []; for (let m = 0; m < M; m++) { const parts = []; for (let i = 0; i < N; i++) parts.push(JSON.stringify(f(entry()))); msgs.push(Buffer.from(`{"entries":[${parts.join(',')}]}`)); } return msgs; }
const full = mk((e) => e), small = mk(compact);
console.log('bytes/entry', full[0].length / N, small[0].length / N);
function stage(name, fn) {
  for (let w = 0; w < 3; w++) fn();
  const t = process.cpuUsage(); let r = 0;
  for (let k = 0; k < 20; k++) r += fn();
  const c = process.cpuUsage(t);
  console.log(name.padEnd(30), ((c.user + c.system) / (20 * M * N)).toFixed(2), 'µs/entry cpu');
}
const dec = new TextDecoder();
// fast copy text
const F = [['id',0],['project_id',0],['entity_id',0],['entity_user_id',0],['client_id',1],['type',0],['kind',0],['timestamp',0],['method',1],['path',1],['params',2],['headers',2],['body',2],['content_type',1],['status_code',0],['parent_log_id',0],['request_id',1],['client_ip',1],['user_agent',1],['target_service',1],['details',2]];
const SPECIAL = /[\\\n\r\t]/, SPECIALS = /[\\\n\r\t]/g, ESC = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const esc = (s) => (SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESC[c]) : s);
function copyText2(entries) {
  const lines = new Array(entries.length);
  for (let j = 0; j < entries.length; j++) {
    const e = entries[j];
    let line = '';
    for (let i = 0; i < F.length; i++) {
      const v = e[F[i][0]];
      const s = v === null || v === undefined ? '\\N' : F[i][1] === 0 ? String(v) : F[i][1] === 1 ? esc(v) : esc(JSON.stringify(v));
      line = i ? line + '\t' + s : s;
    }
    lines[j] = line;
  }
  return lines.join('\n') + '\n';
}
for (const [nm, msgs] of [['full', full], ['small', small]]) {
  stage(nm + ' decode', () => { let n = 0; for (const m of msgs) n += dec.decode(m).length; return n; });
  stage(nm + ' toString', () => { let n = 0; for (const m of msgs) n += m.toString('utf8').length; return n; });
  const strs = msgs.map((m) => dec.decode(m));
  stage(nm + ' parse', () => { let n = 0; for (const s of strs) n += JSON.parse(s).entries.length; return n; });
  const vals = strs.map((s) => JSON.parse(s));
  stage(nm + ' guard', () => { let n = 0; for (const v of vals) n += isWellFormedAuditBatch(v) ? 1 : 0; return n; });
  stage(nm + ' copyText', () => { let n = 0; for (const v of vals) n += copyText(v.entries).length; return n; });
  stage(nm + ' copyText2', () => { let n = 0; for (const v of vals) n += copyText2(v.entries).length; return n; });
  if (copyText2(vals[0].entries) !== copyText(vals[0].entries)) console.log('MISMATCH');
}
const srcs = Array.from({length: M*N}, entry);
stage('publish stringify full', () => { let n = 0; for (const e of srcs.slice(0, N*M/ 1)) n += JSON.stringify(e).length; return n/ 1; });
stage('publish stringify compact', () => { let n = 0; for (const e of srcs) n += JSON.stringify(compact(e)).length; return n; });
