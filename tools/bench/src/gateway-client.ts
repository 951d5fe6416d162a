import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

export const MONITE_VERSION = '2024-05-25';

export interface ApiResponse {
  status: number;
  text: string;
  json: unknown;
}

/** The request failed, or answered something else than expected: status and body kept for the report. */
export class ApiError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 2_000)}`);
  }
}

/**
 * A keep-alive HTTPS pool to the gateway (the run's self-signed certificate is
 * trusted, not skipped): up to `connections` requests in flight, one per connection.
 */
export class GatewayClient {
  private readonly pool: Pool;
  token = '';

  constructor(
    readonly baseUrl: string,
    caFile: string,
    connections: number,
  ) {
    this.pool = new Pool(baseUrl, {
      connections,
      pipelining: 1,
      connect: { ca: readFileSync(caFile, 'utf8'), servername: 'localhost' },
    });
  }

  async request(method: 'GET' | 'POST', path: string, opts: { json?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { 'x-monite-version': MONITE_VERSION, ...opts.headers };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let body: string | undefined;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    const res = await this.pool.request({ method, path, headers, body });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, text, json };
  }

  /** POST /v1/auth/token (client_credentials); the token is used for every later request. */
  async mintPartnerToken(cred: { client_id: string; client_secret: string }): Promise<string> {
    const saved = this.token;
    this.token = '';
    try {
      const res = await this.request('POST', '/v1/auth/token', {
        json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret },
      });
      const token = (res.json as { access_token?: string } | undefined)?.access_token;
      if (res.status !== 200 || !token) throw new ApiError('POST /v1/auth/token', res.status, res.text);
      this.token = token;
      return token;
    } catch (err) {
      this.token = saved;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}
