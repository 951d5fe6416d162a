import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import type { RawRequest, RawResponse } from './raw-http';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded (pairs keep repeated keys). */
  form?: Record<string, string> | Array<[string, string]>;
  /** Sent as is. */
  body?: string | Buffer;
  /** A bearer token; default: the client's `token` (none when empty). */
  token?: string;
  /** Adds x-monite-version (default on; pass null to leave it out). */
  version?: string | null;
  /** Aborts the request (e.g. AbortSignal.timeout). */
  signal?: AbortSignal;
}

export interface HttpClientOptions {
  /** The CA to trust (PEM): the local, self-signed certificate itself. */
  ca?: string;
  /** The same, read from a file. */
  caFile?: string;
  /** The local address to connect from (e.g. 127.0.0.2, to be another client address). */
  localAddress?: string;
  /** Keep-alive connections per origin (default: unlimited); one request in flight on each. */
  connections?: number;
  /** Headers and body timeouts (default: undici's). */
  timeoutMs?: number;
}

export const API_VERSION = '2024-05-25';

/**
 * The HTTPS client of the tests and the benches: undici's keep-alive pool that
 * trusts the local certificate (verified, under the name `localhost`), JSON and
 * form bodies, and a raw mode (`sendRaw`) that puts a request on the wire exactly
 * as given — path not normalised (`..`, `%00` reach the server untouched), headers
 * repeated — for the tests of malformed input.
 */
export class HttpClient {
  /** Sent as `Authorization: Bearer` on every request that names no token of its own. */
  token = '';
  private readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    opts: HttpClientOptions = {},
  ) {
    const ca = opts.ca ?? (opts.caFile ? readFileSync(opts.caFile, 'utf8') : undefined);
    this.agent = new Agent({
      connect: { ca, servername: 'localhost' },
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      ...(opts.connections ? { connections: opts.connections, pipelining: 1 } : {}),
      ...(opts.timeoutMs ? { headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs } : {}),
    });
  }

  get(path: string, opts: RequestOptions = {}) {
    return this.send('GET', path, opts);
  }
  post(path: string, opts: RequestOptions = {}) {
    return this.send('POST', path, opts);
  }
  patch(path: string, opts: RequestOptions = {}) {
    return this.send('PATCH', path, opts);
  }
  delete(path: string, opts: RequestOptions = {}) {
    return this.send('DELETE', path, opts);
  }

  async send(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (opts.version !== null) headers['x-monite-version'] = opts.version ?? API_VERSION;
    const token = opts.token ?? this.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form as any).toString();
    }
    Object.assign(headers, opts.headers);
    const res = await request(this.baseUrl + path, { method: method as any, headers, body, dispatcher: this.agent, signal: opts.signal });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: parseJson(text).json };
  }

  /** A request exactly as given: no default header, the path sent as is. */
  async sendRaw(req: RawRequest): Promise<RawResponse> {
    const res = await this.agent.request({
      origin: this.baseUrl,
      path: req.path,
      method: req.method as any,
      headers: req.headers,
      body: req.body,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, ...parseJson(text) };
  }

  /** POST /v1/auth/token (client_credentials); the token becomes the client's default. */
  async mintPartnerToken(cred: { client_id: string; client_secret: string }): Promise<string> {
    const res = await this.post('/v1/auth/token', {
      token: '',
      json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret },
    });
    const token = (res.json as { access_token?: string } | undefined)?.access_token;
    if (res.status !== 200 || !token) throw new Error(`POST /v1/auth/token: HTTP ${res.status} ${res.text.slice(0, 2_000)}`);
    this.token = token;
    return token;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** `undefined` when the body is empty or not JSON (see `isJson`). */
function parseJson(text: string): { json: unknown; isJson: boolean } {
  if (text === '') return { json: undefined, isJson: false };
  try {
    return { json: JSON.parse(text), isJson: true };
  } catch {
    return { json: undefined, isJson: false };
  }
}
