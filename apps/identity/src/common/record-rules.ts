import { AccessContext, ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';

// The rules every identity record answers by: `own` scope, the entity a request
// names, a missing record, a duplicate. (The escalation guard is escalation-guard.ts.)

/** Records carry who created them: the entity user behind the token, or null for a partner. */
export interface Owned {
  createdByEntityUserId: string | null;
}

/**
 * `scope: 'own'` (a role's `allowed_for_own`): the caller may touch only what it
 * created. The check lives here, in the service that knows who created what.
 */
export function assertMayTouch(access: AccessContext, record: Owned): void {
  if (access.scope === 'own' && record.createdByEntityUserId !== access.actor_entity_user_id) {
    throw new RpcError(ErrorCodes.forbidden, 'This record was created by someone else');
  }
}

export function requireEntityId(access: AccessContext): string {
  if (!access?.entity_id) throw new RpcError(ErrorCodes.invalidRequest, 'An entity id is required');
  return access.entity_id;
}

export function notFound(what: string): RpcError {
  return new RpcError(ErrorCodes.notFound, `${what} not found`);
}

/** Maps a unique-index violation (PostgreSQL 23505) to a 409; anything else is rethrown. */
export async function conflictOnDuplicate<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new RpcError(ErrorCodes.conflict, message);
    throw err;
  }
}
