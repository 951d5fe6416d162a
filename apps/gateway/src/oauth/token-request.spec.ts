import { ApiError } from '../http/api-error';
import { serializeError } from '../http/error-serializer';
import { parseTokenRequest } from './token-request';
import { parseRevokeRequest } from './revoke-request';

const ID = '3cf491b0-31e2-4404-a6f6-bb4006fd0f39';
const basic = 'Basic ' + Buffer.from(`${ID}:sec`).toString('base64');

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a throw');
}

describe('parseTokenRequest, JSON (Monite dialect)', () => {
  it('parses the reference payload', () => {
    const parsed = parseTokenRequest({ grant_type: 'client_credentials', client_id: ID, client_secret: 'sec' }, undefined, 'monite');
    expect(parsed.request).toEqual({ grant_type: 'client_credentials', client_id: ID, client_secret: 'sec' });
    expect(parsed.client.basic).toBe(false);
  });

  it('carries entity_user_id for the entity_user grant', () => {
    const user = '0b9c8a5e-2f8f-4a59-9d2e-4c6f6f0f3a11';
    const parsed = parseTokenRequest({ grant_type: 'entity_user', client_id: ID, client_secret: 'sec', entity_user_id: user }, undefined, 'monite');
    expect(parsed.request.entity_user_id).toBe(user);
  });

  it.each([
    ['urn:uuid:0b9c8a5e-2f8f-4a59-9d2e-4c6f6f0f3a11'],
    ['URN:UUID:0B9C8A5E-2F8F-4A59-9D2E-4C6F6F0F3A11'],
    ['0B9C8A5E-2F8F-4A59-9D2E-4C6F6F0F3A11'],
  ])('passes entity_user_id on in one spelling: %s', (spelling) => {
    const json = parseTokenRequest({ grant_type: 'entity_user', client_id: ID, client_secret: 'sec', entity_user_id: spelling }, undefined, 'monite');
    expect(json.request.entity_user_id).toBe('0b9c8a5e-2f8f-4a59-9d2e-4c6f6f0f3a11');
    const form = parseTokenRequest({ grant_type: 'entity_user', entity_user_id: spelling }, basic, 'oauth');
    expect(form.request.entity_user_id).toBe('0b9c8a5e-2f8f-4a59-9d2e-4c6f6f0f3a11');
  });

  it('accepts Basic instead of body credentials', () => {
    const parsed = parseTokenRequest({ grant_type: 'client_credentials' }, basic, 'monite');
    expect(parsed.client).toEqual({ clientId: ID, clientSecret: 'sec', basic: true });
  });

  it('reports every problem with its location, FastAPI style', () => {
    const err = errorOf(() => parseTokenRequest({ grant_type: 'password', client_id: 'x', extra: 1 }, undefined, 'monite'));
    expect(err.status).toBe(422);
    const detail = (serializeError(err, 'monite').body as { detail: Array<{ loc: unknown[]; type: string }> }).detail;
    expect(detail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ loc: ['body', 'client_secret'], type: 'missing' }),
        expect.objectContaining({ loc: ['body', 'extra'], type: 'extra_forbidden' }),
        expect.objectContaining({ loc: ['body', 'grant_type'], type: 'enum' }),
        expect.objectContaining({ loc: ['body', 'client_id'], type: 'uuid_parsing' }),
      ]),
    );
  });

  it.each([[null], [undefined], ['text'], [[1]], [42]])('422s a body that is not an object: %p', (body) => {
    const err = errorOf(() => parseTokenRequest(body, undefined, 'monite'));
    expect(err.status).toBe(422);
  });
});

describe('parseTokenRequest, form (OAuth 2.0 dialect)', () => {
  it('parses client_secret_post and ignores unknown parameters', () => {
    const parsed = parseTokenRequest({ grant_type: 'client_credentials', client_id: ID, client_secret: 'sec', scope: 'x' }, undefined, 'oauth');
    expect(parsed.request).toEqual({ grant_type: 'client_credentials', client_id: ID, client_secret: 'sec' });
  });

  it('leaves an empty entity_user_id out, as if not sent (RFC 6749 §3.1), and passes other values on for auth to judge', () => {
    expect(parseTokenRequest({ grant_type: 'entity_user', entity_user_id: '' }, basic, 'oauth').request).not.toHaveProperty('entity_user_id');
    expect(parseTokenRequest({ grant_type: 'entity_user', entity_user_id: 'Abc' }, basic, 'oauth').request.entity_user_id).toBe('Abc');
    expect(parseTokenRequest({ grant_type: 'entity_user', entity_user_id: 'urn:uuid:' }, basic, 'oauth').request.entity_user_id).toBe('urn:uuid:');
  });

  it.each([
    ['missing grant_type', { client_id: ID, client_secret: 's' }, 'invalid_request'],
    ['unknown grant_type', { grant_type: 'password', client_id: ID, client_secret: 's' }, 'unsupported_grant_type'],
    ['repeated parameter', { grant_type: ['client_credentials', 'client_credentials'], client_id: ID, client_secret: 's' }, 'invalid_request'],
    ['no client authentication', { grant_type: 'client_credentials' }, 'invalid_request'],
  ])('%s → 400 %s', (_name, body, error) => {
    const err = errorOf(() => parseTokenRequest(body, undefined, 'oauth'));
    expect(err.status).toBe(400);
    expect((serializeError(err, 'oauth').body as { error: string }).error).toBe(error);
  });
});

describe('parseRevokeRequest', () => {
  it('parses both dialects', () => {
    expect(parseRevokeRequest({ client_id: ID, client_secret: 's', token: 't' }, undefined, 'monite').request.token).toBe('t');
    expect(parseRevokeRequest({ token: 't', token_type_hint: 'refresh_token' }, basic, 'oauth').request).toEqual({
      client_id: ID,
      client_secret: 'sec',
      token: 't',
    });
  });

  it('requires the token: 422 in JSON, 400 invalid_request in a form', () => {
    expect(errorOf(() => parseRevokeRequest({ client_id: ID, client_secret: 's' }, undefined, 'monite')).status).toBe(422);
    const form = errorOf(() => parseRevokeRequest({ client_id: ID, client_secret: 's' }, undefined, 'oauth'));
    expect(form.status).toBe(400);
    expect((serializeError(form, 'oauth').body as { error: string }).error).toBe('invalid_request');
  });
});
