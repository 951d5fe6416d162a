import { AuditEntry, canonicalId } from '@gatehouse/contracts';
import { projectEventEntry } from '@gatehouse/platform';
import type { Principal } from '../tokens/principal';

/** An RBAC denial for the project trail (`access.denied`): who, on which entity, what, and the rule that decided. */
export function denialEntry(
  principal: Principal,
  entityId: string | null,
  what: { object_type: string; action: string; reason: string | null },
  requestId?: string,
): AuditEntry {
  return projectEventEntry({
    kind: 'access.denied',
    projectId: principal.projectId,
    entityUserId: principal.kind === 'entity_user' ? canonicalId(principal.subject) : null,
    clientId: principal.claims.client_id,
    statusCode: 403,
    requestId,
    service: 'gateway',
    details: { ...what, entity_id: entityId },
  });
}
