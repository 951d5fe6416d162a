import { httpStatusOf, PortalTokenTryResult } from '@gatehouse/contracts';

/** What the "Try it" panel shows: the token endpoint's status and JSON body, and the token decoded. */
export interface TokenTried {
  client_id: string;
  status: number;
  body: unknown;
  /** The refusal's code (`invalid_client`…), shown beside the status. */
  error_code?: string;
  jwt?: { header: unknown; claims: unknown };
}

/**
 * auth's outcome as `POST /v1/auth/token` answers it to the JSON request of the
 * panel's curl line (the gateway's Monite dialect): the token as auth minted it, or
 * the refusal's status from the one code→status table and `{"error":{"message"}}`
 * (a 5xx says nothing of its cause: the gateway's `refusal()`).
 */
export function tokenEndpointAnswer(clientId: string, result: PortalTokenTryResult): TokenTried {
  if (result.outcome === 'issued') {
    return { client_id: clientId, status: 200, body: result.token, jwt: decodeJwt(result.token.access_token) };
  }
  const status = httpStatusOf(result.error.code);
  const message = status === 503 ? 'Service temporarily unavailable' : status >= 500 ? 'Internal server error' : result.error.message;
  return { client_id: clientId, status, body: { error: { message } }, error_code: status >= 500 ? undefined : result.error.code };
}

/** A compact JWS's header and payload, read (not verified): undefined when it is not one. */
export function decodeJwt(token: string): { header: unknown; claims: unknown } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const part = (p: string): unknown => JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    return { header: part(parts[0]), claims: part(parts[1]) };
  } catch {
    return undefined;
  }
}
