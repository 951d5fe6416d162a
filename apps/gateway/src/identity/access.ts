import { Injectable } from '@nestjs/common';
import type { AccessContext } from '@gatehouse/contracts';
import type { Action, ObjectType } from '@gatehouse/permissions';
import { ApiError } from '../http/api-error';
import type { Principal } from '../tokens/principal';

/**
 * What a request is about to do, in the permission catalogue's terms: the
 * question the policy service will be asked (next issue). `null` marks the
 * partner-only routes (`/entities`), where no role applies.
 */
export interface Intent {
  objectType: ObjectType;
  action: Action;
}

/** The AccessContext that travels with every identity request, as the token alone decides it. */
export function accessContext(principal: Principal, entityId: string | null, scope: AccessContext['scope'] = 'all'): AccessContext {
  return {
    project_id: principal.projectId,
    entity_id: entityId,
    actor_entity_user_id: principal.kind === 'entity_user' ? principal.subject : null,
    scope,
  };
}

/** The `/entities` routes answer partner tokens only. */
export function requirePartner(principal: Principal): void {
  if (principal.kind !== 'partner') throw ApiError.message(403, 'Only a partner token may manage entities');
}

/**
 * The one place where a request's AccessContext is decided. For now every
 * authenticated caller gets `scope: 'all'` within its project and entity; the
 * next issue asks the policy service here (deny → 403, `allowed_for_own` →
 * scope 'own') without the controllers changing.
 */
@Injectable()
export class AccessService {
  async contextFor(principal: Principal, entityId: string | null, _intent: Intent | null): Promise<AccessContext> {
    return accessContext(principal, entityId);
  }
}
