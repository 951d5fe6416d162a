import { ErrorCodes } from '@gatehouse/contracts';
import { RemoteError } from '@gatehouse/platform';
import { serializeError } from '../http/error-serializer';
import { refusal } from './oauth.controller';

describe("refusal: auth's answer on the token and revocation endpoints", () => {
  const remote = (code: (typeof ErrorCodes)[keyof typeof ErrorCodes], message: string) => new RemoteError({ code, message });

  it('is invalid_client with a Basic challenge when the client authenticated with Basic', () => {
    const err = refusal(remote(ErrorCodes.invalidClient, 'Invalid client credentials'), true);
    const challenge = { 'www-authenticate': 'Basic realm="gatehouse", error="invalid_client"' };
    expect(serializeError(err, 'oauth')).toEqual({ status: 401, headers: challenge, body: { error: 'invalid_client', error_description: 'Invalid client credentials' } });
    expect(serializeError(err, 'monite')).toEqual({ status: 401, headers: challenge, body: { error: { message: 'Invalid client credentials' } } });
    expect(refusal(remote(ErrorCodes.invalidClient, 'Invalid client credentials'), false).headers).toEqual({});
  });

  it("carries auth's own RFC 6749 code", () => {
    const err = refusal(remote(ErrorCodes.invalidGrant, 'No such entity user in this project'), false);
    expect(serializeError(err, 'oauth').body).toEqual({ error: 'invalid_grant', error_description: 'No such entity user in this project' });
  });

  it('says nothing of a 5xx cause', () => {
    expect(serializeError(refusal(remote(ErrorCodes.unavailable, 'db down at 10.0.0.3'), false), 'oauth')).toEqual({
      status: 503,
      headers: {},
      body: { error: 'temporarily_unavailable', error_description: 'Service temporarily unavailable' },
    });
    expect(serializeError(refusal(remote(ErrorCodes.internal, 'stack…'), false), 'monite')).toEqual({
      status: 500,
      headers: {},
      body: { error: { message: 'Internal server error' } },
    });
  });
});
