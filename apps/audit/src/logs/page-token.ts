import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditLogFilters } from '@gatehouse/contracts';

/** What a page token carries: the whole query (so it alone continues it) and whose list it is. */
export interface PageState {
  /** `project:entity:actor`: a token continues only the list it came from. */
  scope: string;
  filters: AuditLogFilters;
  /** The default window's start, fixed at the first page. */
  since: string | null;
  dir: 'after' | 'before';
  cursor: { ts: string; id: string };
}

const MAC_BYTES = 16;

/** base64url(JSON) '.' base64url(HMAC-SHA256): a token that does not verify is refused, never read. */
export class PageTokens {
  constructor(private readonly key: Buffer) {}

  encode(state: PageState): string {
    const body = Buffer.from(JSON.stringify(state)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  decode(token: string): PageState | null {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as PageState;
      const ok =
        typeof s === 'object' && s !== null && typeof s.scope === 'string' && typeof s.filters === 'object' && s.filters !== null &&
        (s.dir === 'after' || s.dir === 'before') && typeof s.cursor?.ts === 'string' && typeof s.cursor?.id === 'string';
      return ok ? s : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_BYTES);
  }
}
