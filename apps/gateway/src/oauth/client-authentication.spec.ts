import { ApiError } from '../http/api-error';
import { serializeError } from '../http/error-serializer';
import { parseBasic, resolveClient } from './client-authentication';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a throw');
}

describe('parseBasic', () => {
  it('returns null without a header', () => {
    expect(parseBasic(undefined)).toBeNull();
  });

  it('decodes id and secret, form-urlencoded (RFC 6749 appendix B)', () => {
    expect(parseBasic(`Basic ${b64('my%20id:s%3Acret+x')}`)).toEqual({ id: 'my id', secret: 's:cret x' });
    expect(parseBasic(`basic ${b64('a:b:c')}`)).toEqual({ id: 'a', secret: 'b:c' });
  });

  it.each([
    ['another scheme', 'Bearer abc'],
    ['not base64', 'Basic ***'],
    ['no colon', `Basic ${b64('nocolon')}`],
    ['bad percent-encoding', `Basic ${b64('%zz:x')}`],
    ['no credentials', 'Basic'],
  ])('400s %s, in the dialect of the request', (_name, header) => {
    const err = errorOf(() => parseBasic(header));
    expect(serializeError(err, 'oauth')).toEqual({ status: 400, headers: {}, body: { error: 'invalid_request', error_description: expect.any(String) } });
    expect(serializeError(err, 'monite')).toEqual({ status: 400, headers: {}, body: { error: { message: expect.any(String) } } });
  });
});

describe('resolveClient', () => {
  const basic = { id: 'id-1', secret: 's-1' };

  it('takes Basic alone, or Basic with the same client_id in the body', () => {
    expect(resolveClient(basic, undefined, undefined)).toEqual({ clientId: 'id-1', clientSecret: 's-1', basic: true });
    expect(resolveClient(basic, 'id-1', undefined)).toEqual({ clientId: 'id-1', clientSecret: 's-1', basic: true });
  });

  it('spells the client id one way (lower case, no urn:uuid:), whichever way it came', () => {
    const id = '3cf491b0-31e2-4404-a6f6-bb4006fd0f39';
    expect(resolveClient(null, id.toUpperCase(), 's').clientId).toBe(id);
    expect(resolveClient(null, `urn:uuid:${id}`, 's').clientId).toBe(id);
    expect(resolveClient({ id: id.toUpperCase(), secret: 's' }, undefined, undefined).clientId).toBe(id);
    expect(resolveClient({ id: id.toUpperCase(), secret: 's' }, id, undefined).clientId).toBe(id);
  });

  it('takes the body alone', () => {
    expect(resolveClient(null, 'id-2', 's-2')).toEqual({ clientId: 'id-2', clientSecret: 's-2', basic: false });
  });

  it('refuses two methods at once, a differing id, and no authentication at all', () => {
    expect(errorOf(() => resolveClient(basic, undefined, 's-1')).status).toBe(400);
    expect(errorOf(() => resolveClient(basic, 'other', undefined)).status).toBe(400);
    expect(errorOf(() => resolveClient(null, undefined, undefined)).status).toBe(400);
    expect(errorOf(() => resolveClient(null, 'id', '')).status).toBe(400);
    expect(errorOf(() => resolveClient(null, 42, 's')).status).toBe(400);
  });
});
