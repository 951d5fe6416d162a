// A partner's backend, written as one would be against any OAuth 2.0 server: openid-client
// (discovery, client_credentials, introspection, revocation) and jose (a token verified
// against the published JWKS). Nothing here knows Gatehouse beyond its issuer URL.
// ESM-only libraries: run with `node`, not in Jest; the e2e test reads the JSON printed.
// Usage: node standard-client.mjs <issuer URL> <client_id> <client_secret>
// The gateway's test certificate is trusted through NODE_EXTRA_CA_CERTS.
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [issuer, clientId, clientSecret] = process.argv.slice(2);
const server = new URL(issuer);
// RFC 8414 metadata (/.well-known/oauth-authorization-server), not OpenID Connect discovery.
const discover = (auth) => client.discovery(server, clientId, undefined, auth, { algorithm: 'oauth2' });

/** An operation's outcome: its value, or the error as openid-client reports it. */
async function attempt(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    // A 401 with a WWW-Authenticate challenge is reported as the challenge (its parameters carry `error`).
    const challenge = Array.isArray(err?.cause) ? err.cause : undefined;
    return { ok: false, name: err?.name, code: err?.code, error: err?.error, status: err?.status, challenge, message: err?.message };
  }
}

const basic = await discover(client.ClientSecretBasic(clientSecret));
const post = await discover(client.ClientSecretPost(clientSecret));
const wrongBasic = await discover(client.ClientSecretBasic(`${clientSecret}x`));
const wrongPost = await discover(client.ClientSecretPost(`${clientSecret}x`));
const metadata = basic.serverMetadata();

const viaBasic = await client.clientCredentialsGrant(basic);
const viaPost = await client.clientCredentialsGrant(post);
const tokenA = viaBasic.access_token;
const tokenB = viaPost.access_token;

const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));
const verified = await jwtVerify(tokenA, jwks, { issuer: metadata.issuer, algorithms: ['ES256'] });

const result = {
  metadata,
  tokens: { basic: { ...viaBasic }, post: { ...viaPost } },
  jose: { payload: verified.payload, protectedHeader: verified.protectedHeader },
  introspection: {
    basicOwn: await client.tokenIntrospection(basic, tokenA),
    postOther: await client.tokenIntrospection(post, tokenA),
    garbage: await client.tokenIntrospection(basic, 'not-a-token'),
    wrongBasic: await attempt(() => client.tokenIntrospection(wrongBasic, tokenB)),
    wrongPost: await attempt(() => client.tokenIntrospection(wrongPost, tokenB)),
  },
  wrongSecretGrant: { basic: await attempt(() => client.clientCredentialsGrant(wrongBasic)), post: await attempt(() => client.clientCredentialsGrant(wrongPost)) },
  revocation: await attempt(() => client.tokenRevocation(post, tokenA)),
};
result.afterRevocation = {
  revoked: await client.tokenIntrospection(basic, tokenA),
  other: await client.tokenIntrospection(basic, tokenB),
};
result.tokenA = tokenA;
result.tokenB = tokenB;
process.stdout.write(JSON.stringify(result));
