import type { AuditEntry } from '@gatehouse/contracts';

/** A `token.issued` entry as the store's specs start from, with the fields a case needs changed. */
export const auditEntry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  project_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  entity_id: null,
  entity_user_id: null,
  client_id: 'client-1',
  type: 'event',
  kind: 'token.issued',
  timestamp: '2026-12-06T06:00:00.000Z',
  method: null,
  path: null,
  params: null,
  headers: null,
  body: null,
  content_type: null,
  status_code: null,
  parent_log_id: null,
  request_id: 'req-1',
  client_ip: null,
  user_agent: null,
  target_service: 'auth',
  details: { grant_type: 'client_credentials' },
  ...over,
});
