import { tokenEndpointAnswer, decodeJwt } from './token-try';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const CLIENT = '5b0c1a52-0d1e-4a51-9a55-2f6f1f0e8c11';

describe('the "Try it" answer, as the token endpoint gives it', () => {
  it('shows a minted token as the 200 body, and decodes its header and claims', () => {
    const token = `${b64({ alg: 'ES256', kid: 'k1', typ: 'JWT' })}.${b64({ sub: CLIENT, exp: 2 })}.c2ln`;
    const tried = tokenEndpointAnswer(CLIENT, { outcome: 'issued', token: { access_token: token, token_type: 'Bearer', expires_in: 1800 } });
    expect(tried).toEqual({
      client_id: CLIENT,
      status: 200,
      body: { access_token: token, token_type: 'Bearer', expires_in: 1800 },
      jwt: { header: { alg: 'ES256', kid: 'k1', typ: 'JWT' }, claims: { sub: CLIENT, exp: 2 } },
    });
  });

  it("shows a wrong secret as the endpoint's 401 invalid_client, in its JSON dialect", () => {
    const tried = tokenEndpointAnswer(CLIENT, { outcome: 'refused', error: { code: 'invalid_client', message: 'Client authentication failed' } });
    expect(tried).toEqual({ client_id: CLIENT, status: 401, body: { error: { message: 'Client authentication failed' } }, error_code: 'invalid_client' });
  });

  it('says nothing of a 5xx cause, as the gateway does', () => {
    expect(tokenEndpointAnswer(CLIENT, { outcome: 'refused', error: { code: 'unavailable', message: 'db down at 10.0.0.7' } })).toMatchObject({
      status: 503,
      body: { error: { message: 'Service temporarily unavailable' } },
    });
    expect(tokenEndpointAnswer(CLIENT, { outcome: 'refused', error: { code: 'weird', message: 'stack…' } })).toMatchObject({ status: 500, body: { error: { message: 'Internal server error' } } });
  });

  it('reads no JWT out of something that is not one', () => {
    expect(decodeJwt('opaque')).toBeUndefined();
    expect(decodeJwt('a.b.c')).toBeUndefined();
  });
});
