import { createHmac, timingSafeEqual } from 'node:crypto';

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

const MAC_BYTES = 16;

/**
 * Opaque, tamper-proof pagination tokens: base64url(JSON) '.' base64url(HMAC-SHA256),
 * the key kept in the service's database. A token that does not verify is refused
 * (422), never interpreted.
 */
export class PaginationTokens {
  constructor(private readonly key: Buffer) {}

  encode<F>(state: PageState<F>): string {
    const body = Buffer.from(JSON.stringify(state)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  decode<F>(token: string): PageState<F> | null {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const state = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as PageState<F>;
      return isState(state) ? state : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_BYTES);
  }
}

function isState(s: PageState<unknown>): boolean {
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
