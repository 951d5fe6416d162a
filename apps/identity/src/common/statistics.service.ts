import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '@gatehouse/platform';

const TABLES = ['entities', 'entity_users', 'roles'];
const EVERY_MS = 30_000;
const CHANGED_ROWS = 1_000;

/**
 * A workaround for servers whose autovacuum is off (as on the machines this was
 * measured on), and only for them: it keeps the planner's statistics current.
 * Without them PostgreSQL read a page of 100k users through the login index and
 * sorted what was left (94 ms a page, growing with the rows left) instead of
 * walking the keyset index (0.14 ms). ANALYZE samples a table in milliseconds;
 * it runs only when enough rows changed. Where autovacuum is on (the default,
 * and every production server), it does nothing; the log says which at start.
 */
@Injectable()
export class StatisticsService implements OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts refreshing when the server's autovacuum is off; resolves with whether it did. */
  async start(): Promise<boolean> {
    const [setting]: Array<{ setting: string }> = await this.ds.query("SELECT setting FROM pg_settings WHERE name = 'autovacuum'");
    if (setting?.setting !== 'off') {
      this.logger.info('autovacuum is on: table statistics are left to it');
      return false;
    }
    this.logger.warn(
      { every_ms: EVERY_MS, changed_rows: CHANGED_ROWS, tables: TABLES },
      "autovacuum is off on this PostgreSQL server: identity runs ANALYZE itself on its tables (turn autovacuum on to make this unnecessary)",
    );
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), EVERY_MS);
    this.timer.unref();
    return true;
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
