import type { AccessTokenClaims } from '@gatehouse/contracts';
import { ApiError } from '../http/api-error';
import { serializeError } from '../http/error-serializer';
import type { Principal } from '../tokens/principal';
import { resolveEntityId } from './entity-header';
import { parsePathId } from './path-params';

const PROJECT = '6f1c0f3e-9a51-4b8e-8d0e-2b1f4f9b7a10';
const ENTITY = '0b9c8a5e-2f8f-4a59-9d2e-4c6f6f0f3a11';
const OTHER = 'ea837e28-509b-4b6a-a600-d54b6aa0b1f5';

const partner: Principal = { kind: 'partner', projectId: PROJECT, subject: 'client-1', entityId: null, claims: {} as AccessTokenClaims };
const entityUser: Principal = {
  kind: 'entity_user',
  projectId: PROJECT,
  subject: '3cf491b0-31e2-4404-a6f6-bb4006fd0f39',
  entityId: ENTITY,
  claims: {} as AccessTokenClaims,
};

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a throw');
}

describe('resolveEntityId', () => {
  const table: Array<[string, Principal, string | undefined, string | null, string | null]> = [
    // name, principal, header, entity, issue type
    ['partner, header given', partner, ENTITY, ENTITY, null],
    ['partner, upper-case header', partner, ENTITY.toUpperCase(), ENTITY, null],
    ['partner, header missing', partner, undefined, null, 'missing'],
    ['partner, header not a UUID', partner, 'nope', null, 'uuid_parsing'],
    ['partner, header empty', partner, '', null, 'uuid_parsing'],
    ['entity user, header left out', entityUser, undefined, ENTITY, null],
    ['entity user, same entity', entityUser, ENTITY, ENTITY, null],
    ['entity user, header not a UUID', entityUser, 'nope', null, 'uuid_parsing'],
  ];

  it.each(table)('%s', (_name, principal, header, entity, type) => {
    const result = resolveEntityId(principal, header);
    if (type === null) {
      expect(result).toEqual({ value: entity, issues: [] });
    } else {
      expect(result.issues).toEqual([{ loc: ['header', 'x-monite-entity-id'], msg: expect.any(String), type }]);
    }
  });

  it('reads a missing header as the FastAPI message', () => {
    expect(resolveEntityId(partner, undefined).issues[0].msg).toBe('Field required');
  });

  it('refuses an entity user naming another entity with 403', () => {
    const err = thrown(() => resolveEntityId(entityUser, OTHER));
    expect(err.status).toBe(403);
    expect(serializeError(err, 'monite').body).toEqual({ error: { message: expect.any(String) } });
  });

  it('refuses an entity-user token without an entity with 403', () => {
    expect(thrown(() => resolveEntityId({ ...entityUser, entityId: null }, undefined)).status).toBe(403);
  });

  it('treats a repeated header as malformed', () => {
    expect(resolveEntityId(partner, [ENTITY, OTHER]).issues[0].type).toBe('uuid_parsing');
  });
});

describe('parsePathId', () => {
  it('accepts a UUID, in one spelling', () => {
    expect(parsePathId('role_id', OTHER.toUpperCase())).toEqual({ value: OTHER, issues: [] });
  });

  it.each(['me', 'my_role', '123', `${OTHER}x`])('refuses %p at its location', (raw) => {
    expect(parsePathId('entity_user_id', raw).issues).toEqual([
      { loc: ['path', 'entity_user_id'], msg: 'Input should be a valid UUID', type: 'uuid_parsing' },
    ]);
  });
});
