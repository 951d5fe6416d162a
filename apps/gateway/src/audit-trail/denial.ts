import { randomUUID } from 'node:crypto';
import { AuditEntry, canonicalId } from '@gatehouse/contracts';
import type { Principal } from '../tokens/principal';

/** An RBAC denial for the project trail (`access.denied`): who, on which entity, what, and the rule that decided. */
export function denialEntry(
  principal: Principal,
  entityId: string | null,
  what: { object_type: string; action: string; reason: string | null },
  requestId?: string,
): AuditEntry {
  return {
    id: randomUUID(),
    project_id: principal.projectId,
    entity_id: null,
    entity_user_id: principal.kind === 'entity_user' ? canonicalId(principal.subject) : null,
    client_id: principal.claims.client_id ?? null,
    type: 'event',
    kind: 'access.denied',
    timestamp: new Date().toISOString(),
    method: null,
    path: null,
    params: null,
    headers: null,
    body: null,
    content_type: null,
    status_code: 403,
    parent_log_id: null,
    request_id: requestId ?? null,
    client_ip: null,
    user_agent: null,
    target_service: 'gateway',
    details: { ...what, entity_id: entityId },
  };
}
