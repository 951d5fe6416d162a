import type { AccessTokenClaims } from '@gatehouse/contracts';
import { ApiError } from '../http/api-error';
import type { Principal } from '../tokens/principal';
import { AccessService, accessContext, requirePartner } from './access';

const PROJECT = '6f1c0f3e-9a51-4b8e-8d0e-2b1f4f9b7a10';
const ENTITY = '0b9c8a5e-2f8f-4a59-9d2e-4c6f6f0f3a11';
const USER = '3cf491b0-31e2-4404-a6f6-bb4006fd0f39';

const partner: Principal = { kind: 'partner', projectId: PROJECT, subject: 'client-1', entityId: null, claims: {} as AccessTokenClaims };
const entityUser: Principal = { kind: 'entity_user', projectId: PROJECT, subject: USER, entityId: ENTITY, claims: {} as AccessTokenClaims };

describe('accessContext', () => {
  it('names no actor for a partner token', () => {
    expect(accessContext(partner, ENTITY)).toEqual({ project_id: PROJECT, entity_id: ENTITY, actor_entity_user_id: null, scope: 'all' });
    expect(accessContext(partner, null).entity_id).toBeNull();
  });

  it('names the entity user behind an entity-user token', () => {
    expect(accessContext(entityUser, ENTITY)).toEqual({ project_id: PROJECT, entity_id: ENTITY, actor_entity_user_id: USER, scope: 'all' });
    expect(accessContext(entityUser, ENTITY, 'own').scope).toBe('own');
  });

  it('is what the service decides for now', async () => {
    await expect(new AccessService().contextFor(entityUser, ENTITY, { objectType: 'role', action: 'read' })).resolves.toEqual(
      accessContext(entityUser, ENTITY),
    );
  });
});

describe('requirePartner', () => {
  it('lets a partner through and refuses an entity user with 403', () => {
    expect(() => requirePartner(partner)).not.toThrow();
    let err: unknown;
    try {
      requirePartner(entityUser);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect((err as ApiError).body).toEqual({ error: { message: expect.any(String) } });
  });
});
