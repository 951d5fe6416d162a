import type { AuditPublisherService } from '../audit-trail/audit-publisher.service';
import type { NatsService } from '@gatehouse/platform';
import type { Principal } from '../tokens/principal';
import { accessContext, AccessService, policyPrincipal, requirePartner } from './access-context.service';

const PROJECT = '11111111-1111-4111-8111-111111111111';
const ENTITY = '22222222-2222-4222-8222-222222222222';
const USER = '33333333-3333-4333-8333-333333333333';

const partner: Principal = { kind: 'partner', projectId: PROJECT, subject: 'client', entityId: null, claims: {} as any };
const entityUser: Principal = { kind: 'entity_user', projectId: PROJECT, subject: USER, entityId: ENTITY, claims: {} as any };

describe('access context', () => {
  it('names the actor for entity users only', () => {
    expect(accessContext(partner, ENTITY)).toEqual({ project_id: PROJECT, entity_id: ENTITY, actor_entity_user_id: null, scope: 'all' });
    expect(accessContext(entityUser, ENTITY, 'own')).toEqual({ project_id: PROJECT, entity_id: ENTITY, actor_entity_user_id: USER, scope: 'own' });
  });

  it('turns a token into the policy principal', () => {
    expect(policyPrincipal(partner)).toEqual({ kind: 'partner', project_id: PROJECT });
    expect(policyPrincipal(entityUser)).toEqual({ kind: 'entity_user', project_id: PROJECT, entity_user_id: USER, entity_id: ENTITY });
  });

  it('reserves partner-only routes to partners', () => {
    expect(() => requirePartner(partner)).not.toThrow();
    expect(() => requirePartner(entityUser)).toThrow();
  });

  it('decides partner tokens locally (root in the project), without asking anyone', async () => {
    const service = new AccessService(null as unknown as NatsService, null as unknown as AuditPublisherService);
    await expect(service.contextFor(partner, ENTITY, { objectType: 'role', action: 'delete' })).resolves.toEqual(accessContext(partner, ENTITY));
    // Root needs no ceiling: a partner's writes carry none.
    await expect(service.contextFor(partner, ENTITY, { objectType: 'role', action: 'update' }, undefined, { withCeiling: true })).resolves.toEqual(
      accessContext(partner, ENTITY),
    );
  });

  it('refuses an entity user on a partner-only operation before asking anyone', async () => {
    const service = new AccessService(null as unknown as NatsService, null as unknown as AuditPublisherService);
    await expect(service.contextFor(entityUser, ENTITY, null)).rejects.toMatchObject({ status: 403 });
  });
});
