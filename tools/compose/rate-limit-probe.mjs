// Run by scenario.sh inside the stack's network namespace: drives one project past its
// rate limit through the load balancer (keep-alive connections, spread over the
// gateways by its round robin) for whole seconds of the clock, and prints what was
// admitted as JSON. Usage: node rate-limit-probe.mjs URL TOKEN SECONDS CONNECTIONS
// (self-signed certificate: not verified; this is the local stack).
import https from 'node:https';

const [url, token, secondsArg, connectionsArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const connections = Number(connectionsArg);
if (!url || !token || !(seconds > 0) || !(connections > 0)) {
  console.error('usage: node rate-limit-probe.mjs URL TOKEN SECONDS CONNECTIONS');
  process.exit(2);
}
const headers = { authorization: `Bearer ${token}`, 'x-monite-version': '2024-05-25' };

function get(agent) {
  return new Promise((resolve) => {
    const req = https.get(url, { agent, headers, rejectUnauthorized: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve('000'));
  });
}

// The budget counts whole seconds of the clock: start just after one begins, stop early
// enough before the last ends that every request is counted inside the measured seconds.
const start = (Math.floor(Date.now() / 1000) + 1) * 1000 + 20;
const until = start + seconds * 1000 - 150;
await new Promise((r) => setTimeout(r, start - Date.now()));
const statuses = {};
await Promise.all(
  Array.from({ length: connections }, async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    while (Date.now() < until) {
      const s = await get(agent);
      statuses[s] = (statuses[s] ?? 0) + 1;
    }
    agent.destroy();
  }),
);
const total = Object.values(statuses).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ seconds, connections, total, admitted: statuses['200'] ?? 0, statuses }));
