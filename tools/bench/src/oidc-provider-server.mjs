/**
 * node-oidc-provider (oidc-provider 9.x, ESM-only) as a Node user would run it for
 * machine-to-machine tokens, for `npm run bench:compare`: client_credentials with
 * ES256 JWT access tokens, introspection and revocation enabled, the library's
 * in-memory adapter, HTTPS through node:https with the given certificate, keep-alive on.
 *
 * Plain ESM, spawned from the source tree (the bench build is CommonJS and does not
 * compile or copy it): `node oidc-provider-server.mjs`.
 *
 * Two resource servers (RFC 8707 resource indicators):
 *  - JWT_RESOURCE (the default when a request names none): accessTokenFormat 'jwt',
 *    signed ES256 with the one P-256 key of the provider's JWKS;
 *  - OPAQUE_RESOURCE: accessTokenFormat 'opaque', stored in the adapter — the only kind
 *    the introspection and revocation endpoints accept (they answer 400
 *    unsupported_token_type to a JWT).
 *
 * Env: PORT, TLS_CERT_FILE, TLS_KEY_FILE, CLIENT_ID, CLIENT_SECRET, JWT_RESOURCE,
 * OPAQUE_RESOURCE, TOKEN_TTL (seconds, 1800).
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
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

// The signing key: one EC P-256 key, as Gatehouse's auth service signs with.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };

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
  cookies: { keys: [randomBytes(32).toString('base64url')] },
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
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
