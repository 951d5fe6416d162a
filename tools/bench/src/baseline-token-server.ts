/**
 * The ceiling for token minting: one Fastify HTTPS process that checks a client
 * secret (SHA-256, constant-time, in memory) and signs one ES256 JWT per request
 * the way the auth service does (one-shot crypto.sign, header encoded once). No NATS, no
 * second process, no validation beyond the secret: what a minimal server costs.
 *
 * Env: PORT, TLS_CERT_FILE, TLS_KEY_FILE, CLIENT_ID, CLIENT_SECRET.
 */
import Fastify from 'fastify';
import { TLS_POLICY, installLeanAsyncResourceBind } from '@gatehouse/platform';

import { createHash, generateKeyPairSync, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

// As the gateway does: a ceiling must not pay a cost the contender is spared.
installLeanAsyncResourceBind();

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = randomUUID();
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
