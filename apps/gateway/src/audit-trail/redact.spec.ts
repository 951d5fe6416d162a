import { redact, redactedPayload } from './redact';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('redact', () => {
  const secrets = ['s3cr3t-value-1', 'tok-value-2', 'pw-value-3', 'Bearer abc.def', JWT, 'cookie-4', 'key-5', 'pem-6'];
  const body = {
    client_id: 'c1',
    client_secret: secrets[0],
    nested: { access_token: secrets[1], list: [{ password: secrets[2] }, { note: secrets[3] }], jwt: JWT },
    headers: { Authorization: secrets[3], cookie: secrets[5], 'x-api-key': secrets[6] },
    private_key: secrets[7],
    refresh_token: 'r',
    name: 'kept',
  };

  it('leaves no secret, token, password or credential anywhere in the copy', () => {
    const text = JSON.stringify(redact(body));
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toMatch(/secret|password|token|authorization|cookie|api-key|private/i);
  });

  it('keeps what is not secret, as it was', () => {
    expect(redact(body)).toEqual({ client_id: 'c1', nested: { list: [{}, { note: '[redacted]' }], jwt: '[redacted]' }, headers: {}, name: 'kept' });
    expect(body.client_secret).toBe(secrets[0]);
  });

  it('reads a JSON payload, and gives null for anything else', () => {
    expect(redactedPayload(Buffer.from(JSON.stringify({ access_token: JWT, expires_in: 3600 })))).toEqual({ expires_in: 3600 });
    expect(redactedPayload('not json')).toBeNull();
    expect(redactedPayload(undefined)).toBeNull();
  });
});
