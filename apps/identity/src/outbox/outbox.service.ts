import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { IdentityEventSubject } from '@gatehouse/contracts';
import { context, propagation } from '@opentelemetry/api';
import { tracingState } from '@gatehouse/platform';

import * as Outbox from '../store/outbox.repository';


export interface EventRecord {
  projectId: string;
  entityId: string;
  id: string;
  version: number;
}

/**
 * Writes a change event into the outbox, inside the caller's transaction: the
 * event exists if and only if the change was committed. The relay publishes it.
 */
@Injectable()
export class OutboxService {
  async add(m: EntityManager, subject: IdentityEventSubject, record: EventRecord, view: unknown): Promise<void> {
    const payload = {
      project_id: record.projectId,
      entity_id: record.entityId,
      record_id: record.id,
      version: record.version,
      occurred_at: new Date().toISOString(),
      record: view,
    };
    let traceContext: Record<string, string> | null = null;
    if (tracingState.enabled) propagation.inject(context.active(), (traceContext = {}));
    await Outbox.append(m, subject, payload, traceContext && Object.keys(traceContext).length ? traceContext : null);
  }
}
