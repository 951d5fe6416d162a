import type { ArgumentsHost } from '@nestjs/common';
import type { Logger } from 'pino';
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
