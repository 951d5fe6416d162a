/**
 * The ceiling for token minting: one Fastify HTTPS process that checks a client
 * secret (SHA-256, constant-time, in memory) and signs one ES256 JWT per request
 * the way the auth service does (one-shot crypto.sign, header encoded once). No NATS, no
 * second process, no validation beyond the secret: what a minimal server costs.
 *
 * With CLUSTER_WORKERS=N (bench:compare's 1d), a node:cluster of N such workers
 * sharing one key: the primary makes the key, forks, and prints
 * `fastify-ceiling cluster ready: N workers, pids a,b` once all listen (whose CPU
 * the bench counts). A worker that dies stops the cluster.
 *
 * Env: PORT, TLS_CERT_FILE, TLS_KEY_FILE, CLIENT_ID, CLIENT_SECRET, CLUSTER_WORKERS (0: one process).
 */
import Fastify from 'fastify';
import { TLS_POLICY, installLeanAsyncResourceBind } from '@gatehouse/platform';

import cluster from 'node:cluster';
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const workers = Number(process.env.CLUSTER_WORKERS ?? 0);
if (!Number.isInteger(workers) || workers < 0) throw new Error(`CLUSTER_WORKERS must be a whole number, got ${process.env.CLUSTER_WORKERS}`);

if (workers > 0 && cluster.isPrimary) runPrimary();
else runServer();

/** Forks the workers, one key for all of them (as every instance of one issuer signs with the same key). */
function runPrimary(): void {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const env = { CEILING_KEY_PEM: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), CEILING_KID: randomUUID() };
  const listening = new Set<number>();
  let stopping = false;
  cluster.on('listening', (worker) => {
    listening.add(worker.process.pid ?? 0);
    if (listening.size === workers) process.stdout.write(`fastify-ceiling cluster ready: ${workers} workers, pids ${[...listening].join(',')}\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    const alive = Object.values(cluster.workers ?? {});
    if (!stopping) {
      process.stderr.write(`fastify-ceiling worker ${worker.process.pid} exited (code ${code}, signal ${signal}): stopping the cluster\n`);
      stopping = true;
      process.exitCode = 1;
      for (const w of alive) w?.kill('SIGTERM');
    }
    if (!alive.length) process.exit();
  });
  for (let i = 0; i < workers; i++) cluster.fork(env);
  process.on('SIGTERM', () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {});
    if (!alive.length) process.exit(0);
    for (const w of alive) w?.kill('SIGTERM');
  });
}

function runServer(): void {
  // As the gateway does: a ceiling must not pay a cost the contender is spared.
  installLeanAsyncResourceBind();

  const privateKey = process.env.CEILING_KEY_PEM ? createPrivateKey(process.env.CEILING_KEY_PEM) : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const kid = process.env.CEILING_KID ?? randomUUID();
  const clientId = process.env.CLIENT_ID ?? '';
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid })).toString('base64url');
  const secretHash = createHash('sha256').update(process.env.CLIENT_SECRET ?? '').digest();

  const app = Fastify({
    https: { key: readFileSync(process.env.TLS_KEY_FILE ?? ''), cert: readFileSync(process.env.TLS_CERT_FILE ?? ''), ...TLS_POLICY },
    keepAliveTimeout: 72_000,
  });

  app.post('/v1/auth/token', async (req, reply) => {
    const body = req.body as { client_id?: string; client_secret?: string };
    const presented = createHash('sha256').update(String(body?.client_secret)).digest();
    if (body?.client_id !== clientId || !timingSafeEqual(presented, secretHash)) {
      return reply.status(401).send({ error: { message: 'Client authentication failed' } });
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://localhost:8443', sub: clientId, project_id: clientId, grant_type: 'client_credentials', jti: randomUUID(), iat: now, exp: now + 1800 };
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const access_token = `${input}.${signature}`;
    return reply.header('cache-control', 'no-store').send({ access_token, token_type: 'Bearer', expires_in: 1800 });
  });

  app.get('/health/ready', async () => ({ status: 'ok' }));

  app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
