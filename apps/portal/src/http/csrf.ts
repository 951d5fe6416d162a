import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Synchronizer tokens: HMAC-SHA256 of the session token (or, before sign-in, of the
 * pre-session cookie) under the portal's key, put in every form as `_csrf` and
 * checked on every POST in constant time. Bound to the session: a token taken from
 * one session is worthless in another, and it ends with the session.
 */
export class CsrfTokens {
  private readonly key: Buffer;

  constructor(key?: string) {
    this.key = key ? Buffer.from(key, 'utf8') : randomBytes(32);
  }

  tokenFor(kind: 'session' | 'pre', bound: string): string {
    return createHmac('sha256', this.key).update(`${kind}:${bound}`).digest('base64url');
  }

  verify(kind: 'session' | 'pre', bound: string | undefined, given: unknown): boolean {
    if (!bound || typeof given !== 'string' || given.length === 0 || given.length > 100) return false;
    const expected = Buffer.from(this.tokenFor(kind, bound));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
