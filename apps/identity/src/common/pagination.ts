import { SignedTokens } from '@gatehouse/platform';

/** Where a page starts: the sort value (exact, microseconds) and id of the row next to it. */
export interface Cursor {
  ts: string;
  id: string;
}

/**
 * What a pagination token carries: the whole query, so a token alone continues
 * it, and the list it belongs to (`scope`: which list, of which project and
 * entity), so it continues nothing else.
 */
export interface PageState<F> {
  scope: string;
  sort: string;
  order: 'asc' | 'desc';
  filters: F;
  limit: number;
  /** `after` for the next page, `before` for the previous one. */
  dir: 'after' | 'before';
  cursor: Cursor;
}

/**
 * Opaque, tamper-proof pagination tokens (SignedTokens: base64url(JSON) '.' HMAC),
 * the key kept in the service's database. A token that does not verify is refused
 * (422), never interpreted.
 */
export class PaginationTokens {
  private readonly signed: SignedTokens<PageState<unknown>>;

  constructor(key: Buffer) {
    this.signed = new SignedTokens(key, isState);
  }

  encode<F>(state: PageState<F>): string {
    return this.signed.encode(state);
  }

  decode<F>(token: string): PageState<F> | null {
    return this.signed.decode(token) as PageState<F> | null;
  }
}

function isState(value: unknown): value is PageState<unknown> {
  const s = value as PageState<unknown>;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.scope === 'string' &&
    typeof s.sort === 'string' &&
    (s.order === 'asc' || s.order === 'desc') &&
    (s.dir === 'after' || s.dir === 'before') &&
    typeof s.limit === 'number' &&
    typeof s.cursor?.ts === 'string' &&
    typeof s.cursor?.id === 'string'
  );
}
