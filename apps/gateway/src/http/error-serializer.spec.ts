import { ApiError, issue, oauthCodeFor } from './api-error';
import { rawHttpResponse, serializeError } from './error-serializer';

describe('serializeError: the Monite dialect', () => {
  it('writes {"error": {"message"}} with the status and headers', () => {
    const err = ApiError.message(401, 'Authentication required: send a bearer token', { 'WWW-Authenticate': 'Bearer realm="gatehouse"' });
    expect(serializeError(err, 'monite')).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer realm="gatehouse"' },
      body: { error: { message: 'Authentication required: send a bearer token' } },
    });
  });

  it('writes an RFC 6749 refusal as its message only (the code is the OAuth dialect\'s)', () => {
    const err = ApiError.oauth(429, 'temporarily_unavailable', 'retry after 3 s', { 'retry-after': '3' });
    expect(serializeError(err, 'monite')).toEqual({ status: 429, headers: { 'retry-after': '3' }, body: { error: { message: 'retry after 3 s' } } });
  });

  it('writes validation issues as a 422 {"detail": [...]}', () => {
    const detail = [issue(['header', 'x-monite-version'], 'Must be a date in the form YYYY-MM-DD', 'date_from_datetime_parsing')];
    expect(serializeError(ApiError.validation(detail, 'x-monite-version: Must be a date'), 'monite')).toEqual({ status: 422, headers: {}, body: { detail } });
  });

  it('writes a hidden 5xx with its stand-in message only', () => {
    expect(serializeError(ApiError.hidden(500, 'Internal server error'), 'monite').body).toEqual({ error: { message: 'Internal server error' } });
  });
});

describe('serializeError: the OAuth 2.0 dialect (RFC 6749 §5.2)', () => {
  it('writes {"error": code, "error_description"} with the status and headers', () => {
    const err = ApiError.oauth(401, 'invalid_client', 'Bad client credentials', { 'www-authenticate': 'Basic realm="gatehouse", error="invalid_client"' });
    expect(serializeError(err, 'oauth')).toEqual({
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="gatehouse", error="invalid_client"' },
      body: { error: 'invalid_client', error_description: 'Bad client credentials' },
    });
  });

  it('gives an error without a code the status\'s RFC 6749 code', () => {
    expect(serializeError(ApiError.message(400, 'Malformed'), 'oauth').body).toEqual({ error: 'invalid_request', error_description: 'Malformed' });
    expect(serializeError(ApiError.message(429, 'Slow down'), 'oauth').body).toEqual({ error: 'temporarily_unavailable', error_description: 'Slow down' });
    expect(serializeError(ApiError.hidden(500, 'Internal server error'), 'oauth').body).toEqual({ error: 'server_error', error_description: 'Internal server error' });
    expect([400, 401, 404, 413, 415, 429, 500, 502, 503].map(oauthCodeFor)).toEqual([
      'invalid_request',
      'invalid_client',
      'invalid_request',
      'invalid_request',
      'invalid_request',
      'temporarily_unavailable',
      'server_error',
      'server_error',
      'temporarily_unavailable',
    ]);
  });

  it('writes a validation failure as a 400 invalid_request with its message (RFC 6749 has no 422)', () => {
    const err = ApiError.validation([issue(['header', 'x-monite-version'], 'Must be a date', 'value_error')], 'x-monite-version: Must be a date');
    expect(serializeError(err, 'oauth')).toEqual({ status: 400, headers: {}, body: { error: 'invalid_request', error_description: 'x-monite-version: Must be a date' } });
  });

  it('keeps an error that pins its dialect in it, whatever the request speaks', () => {
    const err = new ApiError(405, 'Method not allowed', { headers: { allow: 'POST' }, dialect: 'monite' });
    expect(serializeError(err, 'oauth')).toEqual({ status: 405, headers: { allow: 'POST' }, body: { error: { message: 'Method not allowed' } } });
  });
});

describe('rawHttpResponse', () => {
  it('writes status line, content type, length, headers in order, Connection: close, then the body', () => {
    const raw = rawHttpResponse(serializeError(ApiError.oauth(431, 'invalid_request', 'Request headers too large'), 'oauth'), 'application/json; charset=utf-8', [
      ['x-request-id', 'r1'],
    ]);
    const body = '{"error":"invalid_request","error_description":"Request headers too large"}';
    expect(raw).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large\r\n' +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${body.length}\r\n` +
        'x-request-id: r1\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  });

  it('counts the length in bytes', () => {
    const raw = rawHttpResponse(serializeError(ApiError.message(400, 'é'), 'monite'), 'application/json');
    expect(raw).toContain(`Content-Length: ${Buffer.byteLength('{"error":{"message":"é"}}')}\r\n`);
  });
});
