import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLogsListRequest, AuditLogsPage, ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import * as AuditLog from '../store/audit-log.repository';
import { PageState, PageTokens } from './page-token';

/** Without a timestamp filter, a list shows the last 7 days (Monite's default). */
export const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * Pages of the audit trail, newest first, keyset-paginated on (timestamp, id).
 * A token carries the filters and the scope (project, entity, and the entity
 * user of an entity-user token): it continues nothing else, and a tampered one is a 422.
 */
@Injectable()
export class LogsService {
  private tokens!: PageTokens;

  constructor(private readonly ds: DataSource) {}

  async init(): Promise<void> {
    await this.ds.query("INSERT INTO service_keys (name, value) VALUES ('pagination', $1) ON CONFLICT (name) DO NOTHING", [randomBytes(32)]);
    const [row] = await this.ds.query("SELECT value FROM service_keys WHERE name = 'pagination'");
    this.tokens = new PageTokens(row.value);
  }

  async list(req: AuditLogsListRequest, now = new Date()): Promise<AuditLogsPage> {
    const scope = `${req.project_id}:${req.entity_id ?? ''}:${req.actor_entity_user_id ?? ''}`;
    let state: PageState;
    let first = false;
    if (req.pagination_token) {
      const decoded = this.tokens.decode(req.pagination_token);
      if (!decoded || decoded.scope !== scope) throw invalidToken();
      state = decoded;
    } else {
      first = true;
      const f = req.filters;
      const bounded = f.timestamp__gt || f.timestamp__gte || f.timestamp__lt || f.timestamp__lte;
      state = { scope, filters: f, since: bounded ? null : new Date(now.getTime() - DEFAULT_WINDOW_MS).toISOString(), dir: 'after', cursor: { ts: '', id: '' } };
    }
    const rows = await AuditLog.list(this.ds.manager, {
      project_id: req.project_id,
      entity_id: req.entity_id,
      entity_user_id: req.actor_entity_user_id,
      filters: state.filters,
      since: state.since,
      cursor: first ? null : { ...state.cursor, dir: state.dir },
      limit: req.page_size,
    });
    const more = rows.length > req.page_size;
    const page = rows.slice(0, req.page_size);
    if (state.dir === 'before') page.reverse();
    const token = (dir: 'after' | 'before', key: { ts: string; id: string }) => this.tokens.encode({ ...state, dir, cursor: key });
    const firstRow = page[0];
    const lastRow = page[page.length - 1];
    // Going forward (older): more after this page if the query found more; a page behind it unless this is the first.
    // Going back (newer): more before it if the query found more; always a page after it (the one we came from).
    const hasNext = state.dir === 'after' ? more : true;
    const hasPrev = state.dir === 'after' ? !first : more;
    return {
      data: page.map((r) => r.view),
      next_pagination_token: hasNext && lastRow ? token('after', lastRow.key) : null,
      prev_pagination_token: hasPrev && firstRow ? token('before', firstRow.key) : null,
    };
  }
}

function invalidToken(): RpcError {
  return new RpcError(ErrorCodes.validationFailed, 'Invalid pagination token', [
    { loc: ['query', 'pagination_token'], msg: 'Invalid or tampered pagination token, or one of another list', type: 'value_error' },
  ]);
}
