/**
 * node-oidc-provider (oidc-provider 9.x, ESM-only) as a Node user would run it for
 * machine-to-machine tokens, for `npm run bench:compare`: client_credentials with
 * ES256 JWT access tokens, introspection and revocation enabled, HTTPS through
 * node:https with the given certificate, keep-alive on.
 *
 * Plain ESM, spawned from the source tree (the bench build is CommonJS and does not
 * compile or copy it): `node oidc-provider-server.mjs`.
 *
 * Two ways to run it:
 *  - one process (CLUSTER_WORKERS unset or 0): the library's default in-memory adapter;
 *  - a cluster (CLUSTER_WORKERS=N, node:cluster): the primary only generates the keys
 *    and forks N workers with the same configuration (node:cluster hands them the
 *    connections, round robin); each worker serves. The workers must share what the
 *    provider stores — the opaque tokens, which one worker mints and another may be
 *    asked to introspect or revoke — so they use the Redis adapter below (ADAPTER=redis,
 *    REDIS_URL), as a deployment of more than one process must: the default
 *    in-memory adapter is per process. The signing key and the cookie key are made
 *    once by the primary and given to every worker, so every worker's JWT verifies
 *    against the one JWKS. When every worker listens the primary prints
 *    `oidc-provider cluster ready: N workers, pids a,b` (the bench counts their CPU).
 *    A worker that dies is not replaced: the primary exits 1 (a bench must not
 *    measure a half cluster).
 *
 * Two resource servers (RFC 8707 resource indicators):
 *  - JWT_RESOURCE (the default when a request names none): accessTokenFormat 'jwt',
 *    signed ES256 with the one P-256 key of the provider's JWKS; not stored;
 *  - OPAQUE_RESOURCE: accessTokenFormat 'opaque', stored in the adapter — the only kind
 *    the introspection and revocation endpoints accept (they answer 400
 *    unsupported_token_type to a JWT).
 *
 * Env: PORT, TLS_CERT_FILE, TLS_KEY_FILE, CLIENT_ID, CLIENT_SECRET, JWT_RESOURCE,
 * OPAQUE_RESOURCE, TOKEN_TTL (seconds, 1800), CLUSTER_WORKERS (0), ADAPTER (`memory`,
 * or `redis`), REDIS_URL (redis://127.0.0.1:6379), REDIS_KEY_PREFIX (every key's prefix).
 */
import cluster from 'node:cluster';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import Redis from 'ioredis';
import Provider, { errors } from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const port = Number(env('PORT'));
const issuer = `https://localhost:${port}`;
const clientId = env('CLIENT_ID');
const jwtResource = env('JWT_RESOURCE');
const opaqueResource = env('OPAQUE_RESOURCE');
const ttl = Number(process.env.TOKEN_TTL ?? 1800);

const workers = Number(process.env.CLUSTER_WORKERS ?? 0);
if (!Number.isInteger(workers) || workers < 0) throw new Error(`CLUSTER_WORKERS must be a whole number, got ${process.env.CLUSTER_WORKERS}`);
const adapterName = process.env.ADAPTER ?? 'memory';
if (adapterName !== 'memory' && adapterName !== 'redis') throw new Error(`ADAPTER must be memory or redis, got ${adapterName}`);
if (workers > 0 && adapterName !== 'redis') throw new Error('CLUSTER_WORKERS needs ADAPTER=redis: the in-memory adapter is per process, so one worker would not know the opaque tokens of another');

if (workers > 0 && cluster.isPrimary) {
  runPrimary();
} else {
  runServer();
}

/** The keys every process of one provider must share: made here (one process) or by the primary (a cluster). */
function makeKeys() {
  // The signing key: one EC P-256 key, as Gatehouse's auth service signs with.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    OP_SIGNING_JWK: JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' }),
    OP_COOKIE_KEY: randomBytes(32).toString('base64url'),
  };
}

/** The primary only forks: the same configuration (and the same keys) in every worker. */
function runPrimary() {
  const keys = makeKeys();
  const listening = new Set();
  let stopping = false;
  cluster.on('listening', (worker) => {
    listening.add(worker.process.pid);
    if (listening.size === workers) process.stdout.write(`oidc-provider cluster ready: ${workers} workers, pids ${[...listening].join(',')}\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`oidc-provider worker ${worker.process.pid} exited (code ${code}, signal ${signal}): stopping the cluster\n`);
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    process.exitCode = 1;
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
  });
  for (let i = 0; i < workers; i++) cluster.fork(keys);
  process.on('SIGTERM', () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {});
    if (!alive.length) process.exit(0);
    for (const w of alive) w?.kill('SIGTERM');
  });
}

/**
 * oidc-provider's adapter interface over Redis (after the library's example Redis adapter):
 * each model's records as JSON under `<Model>:<id>` with their TTL; consumable ones as a
 * hash (payload, consumed); grant, user code and session uid indexes. Only what a
 * client_credentials deployment touches is exercised (ClientCredentials upsert, find,
 * destroy), the rest is there so the adapter is whole.
 */
function redisAdapter(redis) {
  const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);
  const consumable = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);
  const grantKeyFor = (id) => `grant:${id}`;
  const userCodeKeyFor = (userCode) => `userCode:${userCode}`;
  const uidKeyFor = (uid) => `uid:${uid}`;
  return class RedisAdapter {
    constructor(name) {
      this.name = name;
    }

    key(id) {
      return `${this.name}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      const multi = redis.multi();
      if (consumable.has(this.name)) multi.hset(key, { payload: JSON.stringify(payload) });
      else multi.set(key, JSON.stringify(payload));
      if (expiresIn) multi.expire(key, expiresIn);
      if (grantable.has(this.name) && payload.grantId) {
        const grantKey = grantKeyFor(payload.grantId);
        multi.rpush(grantKey, key);
        const ttl = await redis.ttl(grantKey);
        if (expiresIn > ttl) multi.expire(grantKey, expiresIn);
      }
      if (payload.userCode) {
        multi.set(userCodeKeyFor(payload.userCode), id);
        if (expiresIn) multi.expire(userCodeKeyFor(payload.userCode), expiresIn);
      }
      if (payload.uid) {
        multi.set(uidKeyFor(payload.uid), id);
        if (expiresIn) multi.expire(uidKeyFor(payload.uid), expiresIn);
      }
      await multi.exec();
    }

    async find(id) {
      const data = consumable.has(this.name) ? await redis.hgetall(this.key(id)) : await redis.get(this.key(id));
      if (!data || (typeof data === 'object' && Object.keys(data).length === 0)) return undefined;
      if (typeof data === 'string') return JSON.parse(data);
      const { payload, ...rest } = data;
      return { ...rest, ...JSON.parse(payload) };
    }

    async findByUid(uid) {
      const id = await redis.get(uidKeyFor(uid));
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode) {
      const id = await redis.get(userCodeKeyFor(userCode));
      return id ? this.find(id) : undefined;
    }

    async destroy(id) {
      await redis.del(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const multi = redis.multi();
      const tokens = await redis.lrange(grantKeyFor(grantId), 0, -1);
      for (const token of tokens) multi.del(token);
      multi.del(grantKeyFor(grantId));
      await multi.exec();
    }

    async consume(id) {
      await redis.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
    }
  };
}

function runServer() {
  const keys = process.env.OP_SIGNING_JWK ? { OP_SIGNING_JWK: process.env.OP_SIGNING_JWK, OP_COOKIE_KEY: env('OP_COOKIE_KEY') } : makeKeys();
  const signingKey = JSON.parse(keys.OP_SIGNING_JWK);
  const redis =
    adapterName === 'redis'
      ? new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: process.env.REDIS_KEY_PREFIX ?? 'oidc-provider:' })
      : undefined;

  const resourceServers = {
    [jwtResource]: { audience: jwtResource, scope: 'api', accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg: 'ES256' } } },
    [opaqueResource]: { audience: opaqueResource, scope: 'api', accessTokenFormat: 'opaque', accessTokenTTL: ttl },
  };

  /** A client may introspect and revoke only its own tokens. */
  const ownToken = async (_ctx, client, token) => token.clientId === client.clientId;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: env('CLIENT_SECRET'),
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    // Required: the default id_token_signed_response_alg is RS256, and with only an EC key in
    // the JWKS a client without ES256 here fails with invalid_client_metadata.
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'ES256',
    },
    jwks: { keys: [signingKey] },
    // Not required, but only ES256 is offered where the provider signs (there is no key for the rest).
    enabledJWA: { idTokenSigningAlgValues: ['ES256'], userinfoSigningAlgValues: ['ES256'], introspectionSigningAlgValues: ['ES256'] },
    cookies: { keys: [keys.OP_COOKIE_KEY] },
    ...(redis ? { adapter: redisAdapter(redis) } : {}),
    ttl: {
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl,
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: ownToken },
      revocation: { enabled: true, allowedPolicy: ownToken },
      resourceIndicators: {
        enabled: true,
        // Required for JWTs without a `resource` parameter: with no resource server a token is opaque.
        defaultResource: async () => jwtResource,
        getResourceServerInfo: async (_ctx, indicator) => {
          const rs = resourceServers[indicator];
          if (!rs) throw new errors.InvalidTarget();
          return rs;
        },
      },
    },
    // No accounts, no CORS: machine-to-machine only.
    findAccount: async () => undefined,
    clientBasedCORS: () => false,
  });
  provider.proxy = false;

  // Unexpected failures only (a 5xx): oidc-provider logs nothing by itself.
  provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider server_error: ${err?.stack ?? err}\n`));

  // The gateway's TLS policy, given by the bench (tlsPolicyEnv): the same ciphers for every contender.
  const tlsPolicy = {
    ...(process.env.TLS_MIN_VERSION ? { minVersion: process.env.TLS_MIN_VERSION } : {}),
    ...(process.env.TLS_CIPHERS ? { ciphers: process.env.TLS_CIPHERS } : {}),
    honorCipherOrder: process.env.TLS_HONOR_CIPHER_ORDER === 'true',
  };
  const server = createServer({ key: readFileSync(env('TLS_KEY_FILE')), cert: readFileSync(env('TLS_CERT_FILE')), ...tlsPolicy }, provider.callback());
  server.keepAliveTimeout = 72_000;
  server.headersTimeout = 73_000;
  server.listen(port, '127.0.0.1', () => process.stdout.write(`oidc-provider listening on ${issuer}\n`));
  process.on('SIGTERM', () => {
    server.close(() => (redis ? redis.quit().finally(() => process.exit(0)) : process.exit(0)));
    server.closeAllConnections();
  });
}
