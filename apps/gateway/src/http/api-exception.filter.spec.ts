import type { ArgumentsHost } from '@nestjs/common';
import type { Logger } from 'pino';
import { ErrorCodes } from '@gatehouse/contracts';
import { RemoteError } from '@gatehouse/platform';
import { ApiError } from './api-error';
import { ApiExceptionFilter } from './api-exception.filter';
import { BodyError, BodyErrorCodes } from './body-parsers';

/** The answer the filter gives to `exception` for a request to `url` with `contentType`. */
function answer(exception: unknown, url: string, contentType: string) {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    headers() {
      return this;
    },
    send(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const req = { id: 'r1', url, headers: { 'content-type': contentType } };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }) } as unknown as ArgumentsHost;
  new ApiExceptionFilter({ warn: jest.fn(), error: jest.fn() } as unknown as Logger).catch(exception, host);
  return sent;
}

describe('ApiExceptionFilter: bodies refused while read', () => {
  it.each([
    [BodyErrorCodes.notUtf8, 400, 'The request body is not valid UTF-8'],
    [BodyErrorCodes.forbiddenKey, 400, 'The request body must not contain a __proto__ or constructor.prototype key'],
    [BodyErrorCodes.unsupportedType, 415, 'Unsupported content type: send application/json'],
  ])('%s: says what is wrong, in the API error shape', (code, status, message) => {
    expect(answer(new BodyError(status, code), '/v1/entities', 'application/json')).toEqual({ status, body: { error: { message } } });
  });

  it('in RFC 6749 shape for a form to the token endpoint', () => {
    expect(answer(new BodyError(400, BodyErrorCodes.notUtf8), '/v1/auth/token', 'application/x-www-form-urlencoded')).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'The request body is not valid UTF-8' },
    });
  });
});

describe('ApiExceptionFilter: one answer per exception, in each dialect', () => {
  const form = 'application/x-www-form-urlencoded';

  it('hides a service\'s internal error behind a stand-in, in both dialects', () => {
    const err = new RemoteError({ code: ErrorCodes.internal, message: 'relation "x" does not exist' });
    expect(answer(err, '/v1/entities', 'application/json')).toEqual({ status: 500, body: { error: { message: 'Internal server error' } } });
    expect(answer(err, '/v1/auth/token', form)).toEqual({ status: 500, body: { error: 'server_error', error_description: 'Internal server error' } });
  });

  it('says what a service\'s 4xx says, with the status\'s RFC 6749 code in the OAuth dialect', () => {
    const err = new RemoteError({ code: ErrorCodes.notFound, message: 'No such entity' });
    expect(answer(err, '/v1/entities/x', 'application/json')).toEqual({ status: 404, body: { error: { message: 'No such entity' } } });
    expect(answer(err, '/v1/auth/revoke', form)).toEqual({ status: 404, body: { error: 'invalid_request', error_description: 'No such entity' } });
  });

  it('writes a service\'s located validation issues as the gateway\'s own 422', () => {
    const details = [{ loc: ['body', 'name'], msg: 'Field required', type: 'missing' }];
    const err = new RemoteError({ code: ErrorCodes.validationFailed, message: 'Invalid', details });
    expect(answer(err, '/v1/roles', 'application/json')).toEqual({ status: 422, body: { detail: details } });
  });

  it('passes an ApiError through, in the request\'s dialect', () => {
    const err = ApiError.oauth(400, 'unsupported_grant_type', "Grant type 'password' is not supported");
    expect(answer(err, '/v1/auth/token', form).body).toEqual({ error: 'unsupported_grant_type', error_description: "Grant type 'password' is not supported" });
    expect(answer(err, '/v1/auth/token', 'application/json').body).toEqual({ error: { message: "Grant type 'password' is not supported" } });
  });

  it('turns anything unexpected into a 500 that shows nothing', () => {
    expect(answer(new TypeError('secret detail'), '/v1/entities', 'application/json')).toEqual({ status: 500, body: { error: { message: 'Internal server error' } } });
  });
});
