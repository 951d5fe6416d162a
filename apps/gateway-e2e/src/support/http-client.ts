import { Agent, request } from 'undici';

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
  token?: string;
  /** Adds x-monite-version (default on; pass null to leave it out). */
  version?: string | null;
}

export const API_VERSION = '2024-05-25';

/** A small HTTPS client over undici's keep-alive pool that trusts the test certificate. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly agent: Agent,
  ) {}

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
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Buffer | undefined = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form as any).toString();
    }
    Object.assign(headers, opts.headers);
    const res = await request(this.baseUrl + path, { method: method as any, headers, body, dispatcher: this.agent });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
