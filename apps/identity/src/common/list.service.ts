import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ErrorCodes, ListRequest, Page } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { keysetPage } from './keyset';
import { PageState, PaginationTokens } from './pagination';

const SORTABLE = new Set(['created_at', 'updated_at']);

export interface ListSpec<F, T extends ObjectLiteral, V> {
  /** Which list: a page token of one list continues no other. */
  list: 'entities' | 'entity_users' | 'roles';
  alias: string;
  defaultSort: string;
  /** The scoped, filtered query for a page state (tenant and `own` conditions included). */
  query: (state: PageState<F>) => SelectQueryBuilder<T>;
  view: (row: T) => V;
}

/**
 * Every list: a first page from the request's sort, order and filters, or a
 * continuation from a pagination token (which carries them; `limit` may change).
 * A token is bound to its list, project and entity: another list's, project's or
 * entity's token is a 422, as a tampered one. The token's key lives in the
 * database, shared by every instance.
 */
@Injectable()
export class ListService {
  private tokens!: PaginationTokens;

  constructor(private readonly ds: DataSource) {}

  async init(): Promise<void> {
    await this.ds.query(
      "INSERT INTO service_keys (name, value) VALUES ('pagination', $1) ON CONFLICT (name) DO NOTHING",
      [randomBytes(32)],
    );
    const [row] = await this.ds.query("SELECT value FROM service_keys WHERE name = 'pagination'");
    this.tokens = new PaginationTokens(row.value);
  }

  async page<F, T extends ObjectLiteral, V>(req: ListRequest<F>, spec: ListSpec<F, T, V>): Promise<Page<V>> {
    let state: PageState<F>;
    let firstPage = false;
    const scope = `${spec.list}:${req.access.project_id}:${req.access.entity_id ?? ''}`;
    if (req.pagination_token) {
      const decoded = this.tokens.decode<F>(req.pagination_token);
      if (!decoded || decoded.scope !== scope || !SORTABLE.has(decoded.sort)) throw invalidToken();
      state = { ...decoded, limit: req.limit };
    } else {
      firstPage = true;
      state = {
        scope,
        sort: req.sort ?? spec.defaultSort,
        order: req.order,
        filters: req.filters,
        limit: req.limit,
        dir: 'after',
        cursor: { ts: '', id: '' },
      };
      if (!SORTABLE.has(state.sort)) throw new RpcError(ErrorCodes.validationFailed, 'Unknown sort field');
    }
    return keysetPage(spec.query(state), {
      alias: spec.alias,
      sort: state.sort,
      state,
      tokens: this.tokens,
      firstPage,
      view: spec.view,
    });
  }
}

function invalidToken(): RpcError {
  return new RpcError(ErrorCodes.validationFailed, 'Invalid pagination token', [
    { loc: ['query', 'pagination_token'], msg: 'Invalid or tampered pagination token, or one of another list', type: 'value_error' },
  ]);
}
