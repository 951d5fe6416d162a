import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '@gatehouse/platform';

const TABLES = ['entities', 'entity_users', 'roles'];
const EVERY_MS = 30_000;
const CHANGED_ROWS = 1_000;

/**
 * Keeps the planner's statistics current when the server's autovacuum does not
 * (it is off on the machines this was measured on). Without them PostgreSQL
 * read a page of 100k users through the login index and sorted what was left
 * (94 ms a page, growing with the rows left) instead of walking the keyset
 * index (0.14 ms). ANALYZE samples a table in milliseconds; it runs only when
 * enough rows changed.
 */
@Injectable()
export class StatisticsService implements OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<string[]> {
    try {
      const stale: Array<{ relname: string }> = await this.ds.query(
        `SELECT relname FROM pg_stat_user_tables
          WHERE relname = ANY($1) AND (last_analyze IS NULL AND last_autoanalyze IS NULL OR n_mod_since_analyze > $2)`,
        [TABLES, CHANGED_ROWS],
      );
      for (const { relname } of stale) await this.ds.query(`ANALYZE ${relname}`);
      return stale.map((s) => s.relname);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'statistics refresh failed');
      return [];
    }
  }
}
