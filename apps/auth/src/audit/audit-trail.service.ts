import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AuditEntry, AuditEventKind, AuditEvents } from '@gatehouse/contracts';
import { AuditBatcher, LOGGER, NatsService } from '@gatehouse/platform';
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
 * stream in batches (AuditBatcher) without waiting. `AUTH_AUDIT=false` turns it off.
 */
@Injectable()
export class AuditTrailService implements OnApplicationShutdown {
  readonly enabled: boolean;
  private readonly batcher: AuditBatcher;

  constructor(
    nats: NatsService,
    @Inject(AUTH_CONFIG) config: AuthConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.enabled = config.AUTH_AUDIT;
    this.batcher = new AuditBatcher(nats, AuditEvents.project, logger);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher.close();
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
    this.batcher.add(entry);
  }
}
