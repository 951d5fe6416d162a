import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { AuditEntry, AuditEventKind, AuditEvents } from '@gatehouse/contracts';
import { LOGGER, NatsService } from '@gatehouse/platform';
import { AUTH_CONFIG, AuthConfig } from '../config';

export interface ProjectEvent {
  projectId: string;
  clientId?: string | null;
  entityUserId?: string | null;
  /** What happened; never a secret or a token (callers pass ids, grants, reasons, settings). */
  details: Record<string, unknown>;
  requestId?: string;
}

/**
 * The project trail (docs/AUDIT.md): auth's events, published into the AUDIT
 * stream without waiting (msgID = entry id, so a republish is dropped). A failed
 * publish is counted and logged at warn once per failure episode.
 */
@Injectable()
export class AuditTrailService {
  readonly enabled: boolean;
  failed = 0;
  private js: JetStreamClient | null = null;
  private failing = false;

  constructor(
    private readonly nats: NatsService,
    @Inject(AUTH_CONFIG) config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.enabled = config.AUTH_AUDIT;
  }

  record(kind: AuditEventKind, e: ProjectEvent): void {
    if (!this.enabled) return;
    const entry: AuditEntry = {
      id: randomUUID(),
      project_id: e.projectId,
      entity_id: null,
      entity_user_id: e.entityUserId ?? null,
      client_id: e.clientId ?? null,
      type: 'event',
      kind,
      timestamp: new Date().toISOString(),
      method: null,
      path: null,
      params: null,
      headers: null,
      body: null,
      content_type: null,
      status_code: null,
      parent_log_id: null,
      request_id: e.requestId ?? null,
      client_ip: null,
      user_agent: null,
      target_service: 'auth',
      details: e.details,
    };
    this.js ??= this.nats.connection.jetstream();
    this.js.publish(this.nats.subject(AuditEvents.project), JSON.stringify(entry), { msgID: entry.id, timeout: 5_000 }).then(
      () => {
        this.failing = false;
      },
      (err: Error) => {
        this.failed++;
        if (!this.failing) this.logger.warn({ err: err.message }, 'audit: an event could not be published');
        this.failing = true;
      },
    );
  }
}
