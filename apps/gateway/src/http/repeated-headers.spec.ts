import type { FastifyReply, FastifyRequest } from 'fastify';
import { refuseRepeatedHeaders, repeatedHeader } from './repeated-headers';

/** Node's rawHeaders: names as sent, each followed by its value. */
const raw = (...pairs: Array<[string, string]>) => pairs.flat();

describe('repeatedHeader', () => {
  it('finds nothing in an ordinary request', () => {
    expect(repeatedHeader(raw(['Host', 'localhost'], ['Authorization', 'Bearer a'], ['Content-Type', 'application/json'], ['Accept', '*/*']))).toBeUndefined();
    expect(repeatedHeader([])).toBeUndefined();
  });

  it.each([
    ['Authorization', raw(['authorization', 'Bearer a'], ['x', '1'], ['Authorization', 'Bearer b'])],
    ['Authorization', raw(['AUTHORIZATION', 'Basic a'], ['aUtHoRiZaTiOn', ''])],
    ['Content-Type', raw(['Content-Type', 'application/json'], ['content-type', 'application/x-www-form-urlencoded'])],
    ['Host', raw(['Host', 'a'], ['HOST', 'a'])],
  ])('names %s given twice, whatever its case', (name, headers) => {
    expect(repeatedHeader(headers)).toBe(name);
  });

  it('lets repeats of other headers through (Node joins them), and names of the same length that differ', () => {
    expect(repeatedHeader(raw(['x-monite-entity-id', 'a'], ['x-monite-entity-id', 'b'], ['Accept', 'a'], ['Accept', 'b'], ['Cookie', 'a'], ['Cookie', 'b']))).toBeUndefined();
    // 13, 12 and 4 characters, as the three names, but other headers.
    expect(repeatedHeader(raw(['cache-control', 'a'], ['Cache-Control', 'b'], ['content-md5x', 'a'], ['content-md5x', 'b'], ['from', 'a'], ['From', 'b']))).toBeUndefined();
    expect(repeatedHeader(raw(['authorizatioN', 'a'], ['authorizatiom', 'b']))).toBeUndefined();
  });
});

describe('refuseRepeatedHeaders (onRequest hook)', () => {
  function run(url: string, rawHeaders: string[], contentType?: string) {
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
    } as unknown as FastifyReply;
    const req = { url, headers: contentType ? { 'content-type': contentType } : {}, raw: { rawHeaders } } as unknown as FastifyRequest;
    let next = false;
    refuseRepeatedHeaders(req, reply, () => (next = true));
    return { next, ...sent };
  }
  const twice = raw(['Authorization', 'Bearer a'], ['Authorization', 'Bearer b']);

  it('lets a request with one of each go on', () => {
    expect(run('/v1/settings', raw(['Authorization', 'Bearer a']))).toEqual({ next: true });
  });

  it('answers 400 in the API error shape, and stops the request', () => {
    expect(run('/v1/settings', twice)).toEqual({ next: false, status: 400, body: { error: { message: 'The Authorization header is given more than once' } } });
    expect(run('/v1/auth/token', twice, 'application/json').body).toEqual({ error: { message: 'The Authorization header is given more than once' } });
  });

  it('answers a form to the token and revocation endpoints in RFC 6749 shape', () => {
    for (const url of ['/v1/auth/token', '/v1/auth/revoke?x=1']) {
      expect(run(url, twice, 'application/x-www-form-urlencoded').body).toEqual({
        error: 'invalid_request',
        error_description: 'The Authorization header is given more than once',
      });
    }
  });
});
