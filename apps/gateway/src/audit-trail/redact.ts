/** Keys whose values are secrets or credentials: dropped from every audited body, header set and detail. */
const SECRET_KEY = /secret|token|password|passwd|authorization|cookie|api[-_]?key|private|credential|assertion|signature/i;
const MAX_DEPTH = 32;

/**
 * A copy of `value` without any key that names a secret (at any depth), and without
 * any string shaped like a JWT or a bearer credential. Pure; never throws.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof value === 'string') return looksSecret(value) ? '[redacted]' : value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEY.test(k)) continue;
      out[k] = redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/;
const BEARER = /^(bearer|basic)\s/i;

function looksSecret(s: string): boolean {
  return JWT.test(s) || BEARER.test(s);
}

/** A response payload as sent (a string or buffer of JSON, usually): parsed and redacted, or null when it is not JSON. */
export function redactedPayload(payload: unknown): unknown {
  if (payload === undefined || payload === null || payload === '') return null;
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  if (text === null) return null;
  try {
    return redact(JSON.parse(text));
  } catch {
    return null;
  }
}
