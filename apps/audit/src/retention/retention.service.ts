import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '@gatehouse/platform';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import * as AuditLog from '../store/audit-log.repository';

const HOUR_MS = 3600 * 1000;

/** Deletes entries older than AUDIT_RETENTION_DAYS: at start, then hourly (any instance; deletes are idempotent). */
@Injectable()
export class RetentionService implements OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(): void {
    void this.purge();
    this.timer = setInterval(() => void this.purge(), HOUR_MS);
    this.timer.unref();
  }

  async purge(now = new Date()): Promise<number> {
    try {
      const cutoff = new Date(now.getTime() - this.config.AUDIT_RETENTION_DAYS * 24 * HOUR_MS);
      const n = await AuditLog.purgeOlderThan(this.ds.manager, cutoff);
      if (n) this.logger.info({ purged: n }, 'audit retention: purged');
      return n;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'audit retention: will retry');
      return 0;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
