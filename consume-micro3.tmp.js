const { randomUUID } = require('crypto');
const { projectEventEntry } = require('@gatehouse/platform');
const { copyText } = require('/work/main/dist/apps/audit/src/store/copy-text');
const N = 400, M = 50;
const pid = randomUUID();
const entry = () => projectEventEntry({ kind: 'token.issued', projectId: pid, clientId: randomUUID(), entityUserId: null, requestId: randomUUID(), service: 'auth',
    details: { grant_type: 'client_credentials', jti: randomUUID(), expires_in: 1800, via: 'http' } });
const compact = (e) => { const o = {}; for (const k in e) if (e[k] !== null) o[k] = e[k]; return o; };
const vals = []; for (let m = 0; m < M; m++) { const parts = []; for (let i = 0; i < N; i++) parts.push(JSON.stringify(compact(entry()))); vals.push(JSON.parse(`{"entries":[${parts.join(',')}]}`)); }
function stage(name, fn) {
  for (let w = 0; w < 3; w++) fn();
  const t = process.cpuUsage(); let r = 0;
  for (let k = 0; k < 20; k++) r += fn();
  const c = process.cpuUsage(t);
  console.log(name.padEnd(30), ((c.user + c.system) / (20 * M * N)).toFixed(2), 'µs/entry cpu');
}
const SPECIAL = /[\\\n\r\t]/, SPECIALS = /[\\\n\r\t]/g, ESC = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const esc = (s) => (SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESC[c]) : s);
const N_ = '\\N';
const t = (v) => (v == null ? N_ : esc(v));
const u = (v) => (v == null ? N_ : v);  // uuid / enum / canonical timestamp: checked, nothing to escape
const j = (v) => (v == null ? N_ : esc(JSON.stringify(v)));
const n = (v) => (v == null ? N_ : String(v));
function copyText3(entries) {
  let out = '';
  for (const e of entries) {
    out += u(e.id) + '\t' + u(e.project_id) + '\t' + u(e.entity_id) + '\t' + u(e.entity_user_id) + '\t' + t(e.client_id) + '\t' + u(e.type) + '\t' + u(e.kind) + '\t' + u(e.timestamp) + '\t' +
      t(e.method) + '\t' + t(e.path) + '\t' + j(e.params) + '\t' + j(e.headers) + '\t' + j(e.body) + '\t' + t(e.content_type) + '\t' + n(e.status_code) + '\t' + u(e.parent_log_id) + '\t' +
      t(e.request_id) + '\t' + t(e.client_ip) + '\t' + t(e.user_agent) + '\t' + t(e.target_service) + '\t' + j(e.details) + '\n';
  }
  return out;
}
function copyTextNoDetails(entries) {
  let out = '';
  for (const e of entries) {
    out += u(e.id) + '\t' + u(e.project_id) + '\t' + u(e.entity_id) + '\t' + u(e.entity_user_id) + '\t' + t(e.client_id) + '\t' + u(e.type) + '\t' + u(e.kind) + '\t' + u(e.timestamp) + '\t' +
      t(e.method) + '\t' + t(e.path) + '\t' + j(e.params) + '\t' + j(e.headers) + '\t' + j(e.body) + '\t' + t(e.content_type) + '\t' + n(e.status_code) + '\t' + u(e.parent_log_id) + '\t' +
      t(e.request_id) + '\t' + t(e.client_ip) + '\t' + t(e.user_agent) + '\t' + t(e.target_service) + '\t' + '\\N' + '\n';
  }
  return out;
}
stage('copyText', () => { let n = 0; for (const v of vals) n += copyText(v.entries).length; return n; });
stage('copyText3', () => { let n = 0; for (const v of vals) n += copyText3(v.entries).length; return n; });
stage('copyText3+flatten', () => { let n = 0; for (const v of vals) n += Buffer.byteLength(copyText3(v.entries)); return n; });
stage('copyTextNoDetails', () => { let n = 0; for (const v of vals) n += copyTextNoDetails(v.entries).length; return n; });
stage('stringify details', () => { let n = 0; for (const v of vals) for (const e of v.entries) n += JSON.stringify(e.details).length; return n; });
console.log(copyText3(vals[0].entries) === copyText(vals[0].entries));
function copyText4(entries) {
  const lines = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) { const e = entries[i];
    lines[i] = `${u(e.id)}\t${u(e.project_id)}\t${u(e.entity_id)}\t${u(e.entity_user_id)}\t${t(e.client_id)}\t${u(e.type)}\t${u(e.kind)}\t${u(e.timestamp)}\t${t(e.method)}\t${t(e.path)}\t${j(e.params)}\t${j(e.headers)}\t${j(e.body)}\t${t(e.content_type)}\t${n(e.status_code)}\t${u(e.parent_log_id)}\t${t(e.request_id)}\t${t(e.client_ip)}\t${t(e.user_agent)}\t${t(e.target_service)}\t${j(e.details)}\n`;
  }
  return lines.join('');
}
function copyBuf(entries) {
  let buf = Buffer.allocUnsafe(entries.length * 600); let o = 0;
  const w = (s) => { if (o + s.length * 3 > buf.length) { const nb = Buffer.allocUnsafe(buf.length * 2); buf.copy(nb, 0, 0, o); buf = nb; } o += buf.utf8Write(s, o); };
  for (const e of entries) {
    w(u(e.id)); buf[o++] = 9; w(u(e.project_id)); buf[o++] = 9; w(u(e.entity_id)); buf[o++] = 9; w(u(e.entity_user_id)); buf[o++] = 9; w(t(e.client_id)); buf[o++] = 9;
    w(u(e.type)); buf[o++] = 9; w(u(e.kind)); buf[o++] = 9; w(u(e.timestamp)); buf[o++] = 9; w(t(e.method)); buf[o++] = 9; w(t(e.path)); buf[o++] = 9;
    w(j(e.params)); buf[o++] = 9; w(j(e.headers)); buf[o++] = 9; w(j(e.body)); buf[o++] = 9; w(t(e.content_type)); buf[o++] = 9; w(n(e.status_code)); buf[o++] = 9;
    w(u(e.parent_log_id)); buf[o++] = 9; w(t(e.request_id)); buf[o++] = 9; w(t(e.client_ip)); buf[o++] = 9; w(t(e.user_agent)); buf[o++] = 9; w(t(e.target_service)); buf[o++] = 9; w(j(e.details)); buf[o++] = 10;
  }
  return buf.subarray(0, o);
}
stage('copyText+Buffer.from', () => { let n = 0; for (const v of vals) n += Buffer.from(copyText(v.entries)).length; return n; });
stage('copyText3+Buffer.from', () => { let n = 0; for (const v of vals) n += Buffer.from(copyText3(v.entries)).length; return n; });
stage('copyText4+Buffer.from', () => { let n = 0; for (const v of vals) n += Buffer.from(copyText4(v.entries)).length; return n; });
stage('copyBuf', () => { let n = 0; for (const v of vals) n += copyBuf(v.entries).length; return n; });
console.log(copyText4(vals[0].entries) === copyText(vals[0].entries), copyBuf(vals[0].entries).toString() === copyText(vals[0].entries));
