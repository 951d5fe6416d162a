/**
 * The ceiling for token minting: one Fastify HTTPS process that checks a client
 * secret (SHA-256, constant-time, in memory) and signs one ES256 JWT per request
 * the way the auth service does (one-shot crypto.sign, header encoded once). No NATS, no
 * second process, no validation beyond the secret: what a minimal server costs.
 *
 * And the ceiling for introspection (bench:compare's 2c): POST /v1/auth/introspect, a
 * form (`token`, `client_id`, `client_secret`): the secret checked as above, the token's
 * claims from a map of the tokens this process verified (ES256 signature, once per
 * token, as the gateway caches verified tokens), its `exp` and a set of revoked `jti`s
 * checked, `{"active": true, ...claims}` or `{"active": false}`.
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
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, timingSafeEqual, verify } from 'node:crypto';
import { parse as parseQuery } from 'fast-querystring';
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

  /** The client's id and secret (SHA-256, compared in constant time), as the gateway and auth check them. */
  const authenticated = (body: { client_id?: string; client_secret?: string } | undefined): boolean =>
    body?.client_id === clientId && timingSafeEqual(createHash('sha256').update(String(body?.client_secret)).digest(), secretHash);

  app.post('/v1/auth/token', async (req, reply) => {
    if (!authenticated(req.body as { client_id?: string; client_secret?: string })) {
      return reply.status(401).send({ error: { message: 'Client authentication failed' } });
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://localhost:8443', sub: clientId, project_id: clientId, grant_type: 'client_credentials', jti: randomUUID(), iat: now, exp: now + 1800 };
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const access_token = `${input}.${signature}`;
    return reply.header('cache-control', 'no-store').send({ access_token, token_type: 'Bearer', expires_in: 1800 });
  });

  const publicKey = createPublicKey(privateKey);
  const verified = new Map<string, Record<string, unknown> | null>();
  const revoked = new Set<string>();
  /** The claims of a token this issuer signed, verified once (null: it does not verify). */
  const claimsOf = (token: string): Record<string, unknown> | null => {
    let claims = verified.get(token);
    if (claims !== undefined) return claims;
    const [h, p, sig] = token.split('.');
    const ok = h === header && !!sig && verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
    claims = ok ? (JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>) : null;
    if (verified.size > 100_000) verified.clear();
    verified.set(token, claims);
    return claims;
  };
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseQuery(body as string)));
  app.post('/v1/auth/introspect', async (req, reply) => {
    const body = req.body as { token?: string; client_id?: string; client_secret?: string };
    if (!authenticated(body)) return reply.status(401).send({ error: 'invalid_client' });
    reply.header('cache-control', 'no-store');
    const claims = typeof body.token === 'string' ? claimsOf(body.token) : null;
    const live = claims && Number(claims.exp) > Date.now() / 1000 && !revoked.has(String(claims.jti)) && claims.project_id === clientId;
    return live ? Object.assign({ active: true, token_type: 'Bearer' }, claims) : { active: false };
  });

  app.get('/health/ready', async () => ({ status: 'ok' }));

  app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
