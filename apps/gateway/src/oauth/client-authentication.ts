import { canonicalId } from '@gatehouse/contracts';
import { ApiError } from '../http/api-error';

export type { Dialect } from '../http/api-error';

export interface ClientCredentials {
  /** In its canonical form (`canonicalId`): the brake, auth and the token's claims all use this one spelling. */
  clientId: string;
  clientSecret: string;
  /** Client authenticated with HTTP Basic: a 401 then carries a Basic challenge. */
  basic: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A 400 (`invalid_request` in the OAuth dialect). */
export function badRequest(description: string): ApiError {
  return ApiError.oauth(400, 'invalid_request', description);
}

/**
 * RFC 6749 §2.3.1 Basic credentials: `Basic base64(urlencode(id) ":" urlencode(secret))`.
 * Returns null when there is no Authorization header.
 */
export function parseBasic(header: string | undefined): { id: string; secret: string } | null {
  if (header === undefined) return null;
  const m = /^Basic +(\S+) *$/i.exec(header);
  if (!m || !BASE64.test(m[1])) throw badRequest('Malformed Authorization header: expected Basic client credentials');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw badRequest('Malformed Basic credentials: no colon');
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw badRequest('Malformed Basic credentials: bad percent-encoding');
  }
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/**
 * One client authentication method per request: Basic, or client_id and
 * client_secret in the body. Both at once, or a Basic id that differs from a
 * body client_id, is a 400; none at all is a 400 too (RFC 6749 §5.2).
 * The client id is returned in its canonical form (a UUID in lower case).
 */
export function resolveClient(
  basic: { id: string; secret: string } | null,
  bodyId: unknown,
  bodySecret: unknown,
): ClientCredentials {
  if (basic) {
    if (bodySecret !== undefined) throw badRequest('Client authentication given two ways: use Basic or the body, not both');
    const clientId = canonicalId(basic.id);
    if (bodyId !== undefined && (typeof bodyId !== 'string' || canonicalId(bodyId) !== clientId)) {
      throw badRequest('client_id in the body differs from the Basic credentials');
    }
    return { clientId, clientSecret: basic.secret, basic: true };
  }
  if (typeof bodyId !== 'string' || typeof bodySecret !== 'string' || !bodyId || !bodySecret) {
    throw badRequest('Client authentication is required: client_id and client_secret');
  }
  return { clientId: canonicalId(bodyId), clientSecret: bodySecret, basic: false };
}
