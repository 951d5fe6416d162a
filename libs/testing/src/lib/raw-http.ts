import { connect as tlsConnect, TLSSocket } from 'node:tls';

/** A request exactly as it goes on the wire (HttpClient.sendRaw): the path is sent as given (no URL normalisation). */
export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded as wanted; only bytes 0x21..0xff. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON; `undefined` when the body is empty or not JSON (see `isJson`). */
  json: unknown;
  isJson: boolean;
}

// ---- the documented error shapes --------------------------------------------

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysWithin = (o: Record<string, unknown>, allowed: string[]) => Object.keys(o).every((k) => allowed.includes(k));

/** `{"error": {"message": string}}`, nothing else. */
export function isMoniteError(body: unknown): boolean {
  return (
    isDict(body) &&
    keysWithin(body, ['error']) &&
    isDict(body['error']) &&
    keysWithin(body['error'], ['message']) &&
    typeof body['error']['message'] === 'string'
  );
}

/** 422 `{"detail": [{loc: (string|number)[], msg: string, type: string}, ...]}` (at least one issue). */
export function isValidationError(body: unknown): boolean {
  if (!isDict(body) || !keysWithin(body, ['detail']) || !Array.isArray(body['detail']) || body['detail'].length === 0) return false;
  return body['detail'].every(
    (d: unknown) =>
      isDict(d) &&
      keysWithin(d, ['loc', 'msg', 'type', 'ctx', 'input']) &&
      Array.isArray(d['loc']) &&
      d['loc'].every((p: unknown) => typeof p === 'string' || typeof p === 'number') &&
      typeof d['msg'] === 'string' &&
      typeof d['type'] === 'string',
  );
}

/** RFC 6749 §5.2: `{"error": code, "error_description"?: string, "error_uri"?: string}`, the code in the RFC's charset. */
export function isOAuthError(body: unknown): boolean {
  return (
    isDict(body) &&
    keysWithin(body, ['error', 'error_description', 'error_uri']) &&
    typeof body['error'] === 'string' &&
    /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/.test(body['error']) &&
    (body['error_description'] === undefined || typeof body['error_description'] === 'string') &&
    (body['error_uri'] === undefined || typeof body['error_uri'] === 'string')
  );
}

/**
 * What is wrong with a response, or undefined: never 5xx; JSON bodies (204 empty);
 * 4xx in the documented shape of the request's dialect.
 */
export function responseProblem(res: RawResponse, opts: { oauth: boolean; head?: boolean }): string | undefined {
  if (res.status >= 500) return `server error ${res.status}`;
  if (res.status < 200 || (res.status >= 300 && res.status < 400)) return `unexpected status ${res.status}`;
  if (opts.head) return undefined;
  if (res.status === 204) return res.text === '' ? undefined : '204 with a body';
  if (!res.isJson) return `body is not JSON: ${JSON.stringify(res.text.slice(0, 300))}`;
  const ct = String(res.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(ct)) return `content-type ${JSON.stringify(ct)} for a JSON body`;
  if (res.status < 300) return undefined;
  if (opts.oauth) return isOAuthError(res.json) ? undefined : 'a 4xx on a form request to the OAuth endpoints, not in the OAuth error shape';
  if (isMoniteError(res.json)) return undefined;
  if (res.status === 422 && isValidationError(res.json)) return undefined;
  return `a ${res.status} not in the error shape`;
}

// ---- encoding helpers ---------------------------------------------------------

/** Percent-encodes every byte of the UTF-8 form except unreserved characters (lone surrogates become U+FFFD). */
export function pct(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A string as a JSON literal (NUL, lone surrogates and control characters visible), cut to `max` characters. */
export function visible(s: string | Buffer | undefined, max = 1_500): string {
  if (s === undefined) return '(none)';
  const text = typeof s === 'string' ? s : s.toString('latin1');
  const shown = JSON.stringify(text.length > max ? text.slice(0, max) : text);
  return text.length > max ? `${shown}… (${text.length} chars)` : shown;
}

// ---- raw TLS ------------------------------------------------------------------

/** A TLS connection to the gateway that trusts the test certificate. */
export function openTls(port: number, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

export interface SocketOutcome {
  /** Everything the server sent. */
  data: string;
  /** When the server ended the connection, ms after `since`. */
  closedAfterMs: number;
}

/** Resolves when the server closes the socket (or after `maxMs`, then with closedAfterMs = Infinity). */
export function whenClosed(socket: TLSSocket, since: number, maxMs: number): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    let data = '';
    let done = false;
    const finish = (closedAfterMs: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ data, closedAfterMs });
    };
    const timer = setTimeout(() => finish(Infinity), maxMs);
    socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
    socket.on('error', () => finish(Date.now() - since));
    socket.on('end', () => finish(Date.now() - since));
    socket.on('close', () => finish(Date.now() - since));
  });
}

/** One raw HTTP/1.1 exchange over a fresh TLS connection: the status line and body the server sent, or how it closed. */
export async function rawExchange(port: number, ca: string, payload: Buffer | string, maxMs = 10_000): Promise<{ status?: number; head: string; body: string; closed: boolean }> {
  const socket = await openTls(port, ca);
  const start = Date.now();
  const closed = whenClosed(socket, start, maxMs);
  socket.write(payload);
  const outcome = await closed;
  socket.destroy();
  const [head, ...rest] = outcome.data.split('\r\n\r\n');
  const m = /^HTTP\/1\.1 (\d{3})/.exec(head ?? '');
  return { status: m ? Number(m[1]) : undefined, head: head ?? '', body: rest.join('\r\n\r\n'), closed: Number.isFinite(outcome.closedAfterMs) };
}
