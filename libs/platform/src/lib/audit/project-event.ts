import type { AuditEntry, AuditEventKind } from '@gatehouse/contracts';
import { auditEntryId } from './entry-id';

/** What a project-trail event says; every HTTP field of an entry is null for it. */
export interface ProjectEventFields {
  kind: AuditEventKind;
  projectId: string;
  entityUserId?: string | null;
  clientId?: string | null;
  statusCode?: number | null;
  requestId?: string | null;
  /** The service that recorded it. */
  service: string;
  /** Redacted by the caller: never a secret, token or password. */
  details: Record<string, unknown> | null;
}

/** A project-trail entry (`type: event`), stamped now with a fresh id. */
export function projectEventEntry(e: ProjectEventFields): AuditEntry {
  return {
    id: auditEntryId(),
    project_id: e.projectId,
    entity_id: null,
    entity_user_id: e.entityUserId ?? null,
    client_id: e.clientId ?? null,
    type: 'event',
    kind: e.kind,
    timestamp: isoNow(),
    method: null,
    path: null,
    params: null,
    headers: null,
    body: null,
    content_type: null,
    status_code: e.statusCode ?? null,
    parent_log_id: null,
    request_id: e.requestId ?? null,
    client_ip: null,
    user_agent: null,
    target_service: e.service,
    details: e.details,
  };
}

let lastMs = -1;
let lastIso = '';

/**
 * Now as an ISO 8601 string, built once per millisecond: auth stamps an entry per
 * token minted, thousands a second, and Date#toISOString cost ~0.5 µs a call here.
 */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
