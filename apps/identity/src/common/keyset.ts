import { SelectQueryBuilder } from 'typeorm';
import { Page } from '@gatehouse/contracts';
import { Cursor, PageState, PaginationTokens } from './pagination';

/** The exact value of a timestamp column, as text (JavaScript dates stop at milliseconds). */
export function exactTimestamp(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export interface KeysetOptions<F> {
  alias: string;
  /** Validated column name: created_at or updated_at. */
  sort: string;
  state: PageState<F>;
  tokens: PaginationTokens;
}

/**
 * Keyset pagination: `(sort, id) > (cursor)` in the index order, `limit + 1` rows
 * to learn whether there is more. No OFFSET, so a page costs the same at row
 * one million as at row one, and inserts between two requests neither repeat
 * nor skip a row.
 */
export async function keysetPage<T extends object, F, V>(
  qb: SelectQueryBuilder<T>,
  opts: KeysetOptions<F> & { firstPage: boolean; view: (row: T) => V },
): Promise<Page<V>> {
  const { alias, sort, state } = opts;
  const col = `${alias}.${sort}`;
  const backwards = state.dir === 'before';
  // Walking backwards reads the index in the opposite order, then flips the page.
  const ascending = (state.order === 'asc') !== backwards;
  const dir = ascending ? 'ASC' : 'DESC';
  qb.addSelect(exactTimestamp(col), 'cursor_ts');
  if (!opts.firstPage) {
    const op = ascending ? '>' : '<';
    qb.andWhere(`(${col}, ${alias}.id) ${op} (CAST(:cursorTs AS timestamptz), CAST(:cursorId AS uuid))`, {
      cursorTs: state.cursor.ts,
      cursorId: state.cursor.id,
    });
  }
  qb.orderBy(col, dir).addOrderBy(`${alias}.id`, dir).limit(state.limit + 1);
  const { entities, raw } = await qb.getRawAndEntities();
  const cursors: Cursor[] = raw.map((r: Record<string, string>) => ({ ts: r.cursor_ts, id: r[`${alias}_id`] }));
  let rows = entities;
  const more = rows.length > state.limit;
  rows = rows.slice(0, state.limit);
  let pageCursors = cursors.slice(0, state.limit);
  if (backwards) {
    rows = rows.reverse();
    pageCursors = pageCursors.reverse();
  }
  const first = pageCursors[0];
  const last = pageCursors[pageCursors.length - 1];
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more : !opts.firstPage;
  const token = (dirn: 'after' | 'before', cursor: Cursor) => opts.tokens.encode({ ...state, dir: dirn, cursor });
  return {
    data: rows.map(opts.view),
    next_pagination_token: hasNext && last ? token('after', last) : null,
    prev_pagination_token: hasPrev && first ? token('before', first) : null,
  };
}
