import { SignedTokens } from '@gatehouse/platform';
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

/** base64url(JSON) '.' base64url(HMAC-SHA256): a token that does not verify is refused, never read. */
export class PageTokens extends SignedTokens<PageState> {
  constructor(key: Buffer) {
    super(key, isPageState);
  }
}

function isPageState(value: unknown): value is PageState {
  const s = value as PageState;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.scope === 'string' &&
    typeof s.filters === 'object' &&
    s.filters !== null &&
    (s.dir === 'after' || s.dir === 'before') &&
    typeof s.cursor?.ts === 'string' &&
    typeof s.cursor?.id === 'string'
  );
}
