import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@gatehouse/supervisor';
import { recordSecret } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const run = promisify(execFile);
const CLIENT_SCRIPT = join(__dirname, 'support', 'standard-client.mjs');

/**
 * Gatehouse driven by off-the-shelf clients as a partner's backend would: openid-client
 * (discovery from the RFC 8414 document, client_credentials with client_secret_basic and
 * client_secret_post, introspection, revocation) and jose (remote JWKS). They are ESM-only,
 * so they run in a child process (support/standard-client.mjs) that prints what it got.
 * The system is configured as deployed: its issuer is the URL the clients reach it at.
 */
describe('standard clients, unchanged (openid-client, jose)', () => {
  let sys: TestSystem;
  let cred: { project_id: string; client_id: string; client_secret: string };
  let out: any;
  let caDir: string;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `https://localhost:${port}`;
    sys = await TestSystem.start({ env: { gateway: { GATEWAY_PORT: String(port), GATEWAY_ISSUER: issuer }, auth: { AUTH_ISSUER: issuer } } });
    cred = await sys.createPartner();
    caDir = mkdtempSync(join(tmpdir(), 'gatehouse-ca-'));
    writeFileSync(join(caDir, 'ca.pem'), sys.ca);
    const { stdout } = await run(process.execPath, [CLIENT_SCRIPT, sys.baseUrl, cred.client_id, cred.client_secret], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(caDir, 'ca.pem') },
      timeout: 60_000,
    });
    out = JSON.parse(stdout);
    recordSecret(out.tokenA);
    recordSecret(out.tokenB);
  }, 180_000);
  afterAll(async () => {
    if (caDir) rmSync(caDir, { recursive: true, force: true });
    await sys?.stop();
  });

  it('discovers the server from /.well-known/oauth-authorization-server', () => {
    expect(out.metadata).toMatchObject({
      issuer: sys.baseUrl,
      token_endpoint: `${sys.baseUrl}/v1/auth/token`,
      introspection_endpoint: `${sys.baseUrl}/v1/auth/introspect`,
      revocation_endpoint: `${sys.baseUrl}/v1/auth/revoke`,
      jwks_uri: `${sys.baseUrl}/v1/auth/jwks`,
    });
  });

  it('mints with client_credentials, by client_secret_basic and by client_secret_post', () => {
    for (const minted of [out.tokens.basic, out.tokens.post]) {
      expect(minted).toEqual({ access_token: expect.any(String), token_type: expect.stringMatching(/^bearer$/i), expires_in: expect.any(Number) });
    }
    expect(out.tokenA).not.toBe(out.tokenB);
  });

  it("verifies a token with jose's remote JWKS against the published keys", () => {
    expect(out.jose.protectedHeader).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(out.jose.payload).toMatchObject({ iss: sys.baseUrl, sub: cred.client_id, client_id: cred.client_id, project_id: cred.project_id });
  });

  it('introspects: active with the claims for its own token (either authentication), inactive for garbage', () => {
    for (const answer of [out.introspection.basicOwn, out.introspection.postOther]) {
      expect(answer).toMatchObject({ active: true, token_type: 'Bearer', client_id: cred.client_id, sub: cred.client_id, iss: sys.baseUrl, jti: out.jose.payload.jti });
    }
    expect(out.introspection.garbage).toEqual({ active: false });
  });

  it("reports a wrong secret as OAuth's invalid_client (401), on introspection and on the token endpoint, with either authentication", () => {
    // client_secret_basic: 401 with a Basic challenge naming the error (RFC 6749 §5.2), which openid-client surfaces as such.
    for (const failed of [out.introspection.wrongBasic, out.wrongSecretGrant.basic]) {
      expect(failed).toMatchObject({ ok: false, status: 401, challenge: [{ scheme: 'basic', parameters: expect.objectContaining({ error: 'invalid_client' }) }] });
    }
    // client_secret_post: the error in the body.
    for (const failed of [out.introspection.wrongPost, out.wrongSecretGrant.post]) {
      expect(failed).toMatchObject({ ok: false, status: 401, error: 'invalid_client' });
    }
  });

  it('revokes: the revoked token is then inactive and refused by the API; the other token goes on', async () => {
    expect(out.revocation).toMatchObject({ ok: true });
    expect(out.afterRevocation.revoked).toEqual({ active: false });
    expect(out.afterRevocation.other).toMatchObject({ active: true });
    expect((await sys.http.get('/v1/settings', { token: out.tokenA })).status).toBe(401);
    expect((await sys.http.get('/v1/settings', { token: out.tokenB })).status).toBe(200);
  });
});
