/**
 * The audit trail (docs/AUDIT.md). Entries travel on the JetStream stream
 * AUDIT_STREAM (subjects `audit.v1.events.>`), each with its entry id as the
 * message id (JetStream drops a republished one), and are stored by the audit
 * service's durable consumer. The gateway asks audit for pages of them.
 */
export const AuditEvents = {
  /** Request and response entries of calls to an entity's resources (gateway). */
  entity: 'audit.v1.events.entity',
  /** Project-trail events: tokens, credentials, keys, settings (auth). */
  project: 'audit.v1.events.project',
  /** Project-trail events the gateway sees: RBAC denials. */
  denial: 'audit.v1.events.denial',
} as const;

export const AuditSubjects = {
  logsList: 'audit.v1.logs.list',
} as const;

export const AUDIT_QUEUE = 'audit';
export const AUDIT_STREAM = 'AUDIT';
export const AUDIT_EVENTS_WILDCARD = 'audit.v1.events.>';
/** The audit service's durable consumer of the stream. */
export const AUDIT_CONSUMER = 'audit-store';

/** The stream's name under a subject prefix (stream names take no dots). */
export function auditStream(prefix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}${AUDIT_STREAM}`;
}
