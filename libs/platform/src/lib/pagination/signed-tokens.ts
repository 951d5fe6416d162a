import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 16;

/**
 * Opaque, tamper-proof tokens (pagination): base64url(JSON) '.' base64url(HMAC-SHA256,
 * truncated to 16 bytes), under a key the service keeps. A token that does not
 * verify, or whose content `isState` refuses, is refused (null), never interpreted.
 */
export class SignedTokens<S> {
  constructor(
    private readonly key: Buffer,
    private readonly isState: (value: unknown) => value is S,
  ) {}

  encode(state: S): string {
    const body = Buffer.from(JSON.stringify(state)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  decode(token: string): S | null {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const state: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return this.isState(state) ? state : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_BYTES);
  }
}
