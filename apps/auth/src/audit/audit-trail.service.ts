import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditEventKind, AuditEvents } from '@gatehouse/contracts';
import { AuditBatcher, LOGGER, NatsService, projectEventEntry } from '@gatehouse/platform';
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
    const entry = projectEventEntry({
      kind,
      projectId: e.projectId,
      entityUserId: e.entityUserId,
      clientId: e.clientId,
      requestId: e.requestId,
      service: 'auth',
      details: e.details,
    });
    this.batcher.add(entry);
  }
}
