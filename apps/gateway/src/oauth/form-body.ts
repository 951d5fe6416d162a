import { ApiError } from '../http/api-error';

/** A form body as parsed (repeated keys become arrays): every parameter at most once (RFC 6749 §3.2). */
export function singleValued(body: unknown): Record<string, string> {
  if (body === undefined || body === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(v)) throw ApiError.oauth(400, 'invalid_request', `Parameter '${k}' is given more than once`);
    out[k] = String(v);
  }
  return out;
}
