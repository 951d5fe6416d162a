import Fastify, { FastifyRequest } from 'fastify';
import { BodyError, BodyErrorCodes, formBodyParser, jsonBodyParser } from './body-parsers';

const secure = Fastify().getDefaultJsonParser('error', 'error');
const parseJson = jsonBodyParser(secure as Parameters<typeof jsonBodyParser>[0]);
const REQ = { url: '/v1/entities', is404: false } as FastifyRequest;

/** What a parser hands on: the body, or the error. */
function outcome(parser: (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => void, body: Buffer | string, req = REQ) {
  let result: { err: Error | null; body?: unknown } | undefined;
  parser(req, Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), (err, parsed) => (result = { err, body: parsed }));
  if (!result) throw new Error('the parser did not call done synchronously');
  return result;
}

const codeOf = (err: Error | null) => (err as { code?: string } | null)?.code;

describe('jsonBodyParser', () => {
  it('parses JSON, UTF-8 beyond ASCII included', () => {
    expect(outcome(parseJson, '{"name":"Müller 🦄","n":[1,null]}')).toEqual({ err: null, body: { name: 'Müller 🦄', n: [1, null] } });
  });

  it.each([
    ['a lone 0xff', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
    ['a truncated sequence', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])],
    ['an encoded surrogate', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])],
    ['UTF-16 with a byte-order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')])],
  ])('refuses a body that is not UTF-8: %s', (_name, body) => {
    const { err } = outcome(parseJson, body);
    expect(err).toBeInstanceOf(BodyError);
    expect(err).toMatchObject({ statusCode: 400, code: BodyErrorCodes.notUtf8 });
  });

  it.each([
    '{"__proto__":{"admin":true}}',
    '{"a":[{"__proto__":{}}]}',
    '{"\\u005f_proto__":{}}',
    '{"constructor":{"prototype":{"admin":true}}}',
  ])('names a forbidden key: %s', (body) => {
    expect(outcome(parseJson, body).err).toMatchObject({ statusCode: 400, code: BodyErrorCodes.forbiddenKey });
  });

  it('lets a constructor key without prototype, and the words in values, through', () => {
    expect(outcome(parseJson, '{"constructor":{"name":"x"},"v":"__proto__"}')).toEqual({ err: null, body: { constructor: { name: 'x' }, v: '__proto__' } });
  });

  it("leaves invalid and empty JSON to Fastify's errors", () => {
    expect(codeOf(outcome(parseJson, '{"a":').err)).toBe('FST_ERR_CTP_INVALID_JSON_BODY');
    expect(codeOf(outcome(parseJson, '{"__proto__":').err)).toBe('FST_ERR_CTP_INVALID_JSON_BODY');
    expect(codeOf(outcome(parseJson, '').err)).toBe('FST_ERR_CTP_EMPTY_JSON_BODY');
  });
});

describe('formBodyParser', () => {
  const at = (url: string, is404 = false) => ({ url, is404 }) as FastifyRequest;

  it('parses forms on the token and revocation endpoints, repeated keys as arrays', () => {
    expect(outcome(formBodyParser, 'grant_type=client_credentials&a=1&a=2&x=%C3%BC', at('/v1/auth/token')).body).toEqual({ grant_type: 'client_credentials', a: ['1', '2'], x: 'ü' });
    expect(outcome(formBodyParser, 'token=t', at('/v1/auth/revoke?q=1')).body).toEqual({ token: 't' });
  });

  it.each(['/v1/entity_users', '/v1/entities/x', '/v1/settings', '/v1/auth/token/', '/v1/auth/jwks'])('refuses a form on %s with 415', (url) => {
    expect(outcome(formBodyParser, 'login=x', at(url)).err).toMatchObject({ statusCode: 415, code: BodyErrorCodes.unsupportedType });
  });

  it('leaves an unknown route to its 404', () => {
    expect(outcome(formBodyParser, 'a=1', at('/v1/nope', true)).err).toBeNull();
  });

  it('refuses a form that is not UTF-8', () => {
    expect(outcome(formBodyParser, Buffer.from([0x61, 0x3d, 0xff]), at('/v1/auth/token')).err).toMatchObject({ statusCode: 400, code: BodyErrorCodes.notUtf8 });
  });
});
