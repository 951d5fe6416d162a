import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { roleOf, userWithRole } from './support/entity-users';
import { Api, partner, Partner } from './support/identity-fixtures';
import { HttpResponse } from './support/http-client';
import { isMoniteError, isOAuthError, isValidationError, openTls, rawExchange, SocketOutcome, whenClosed } from './support/raw-client';
import { TestSystem } from './support/system';

/*
 * The gateway's limits, measured from the outside: header size, body size,
 * slow clients (raw TLS sockets), deep and huge JSON, unicode and NUL in
 * stored strings, very long ids. What each limit actually does is printed at
 * the end ("limits observed").
 *
 * Every refusal, including those Fastify or Node's HTTP parser raise before the
 * app, is in the API's error shape.
 */

const BODY_LIMIT = 64 * 1024;
/** The gateway's headersTimeout and requestTimeout, enforced by Node's connection check every connectionsCheckingInterval. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const CHECK_INTERVAL_MS = 1_000;
const SLOW_WAIT_MS = REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + 3_000;

/** The body of a raw HTTP/1.1 response (after the head). */
const bodyOf = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);

/** A JSON object body of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const body = `{"x":"${'a'.repeat(bytes - 8)}"}`;
  if (Buffer.byteLength(body) !== bytes) throw new Error('size');
  return body;
}

/** A form body of exactly `bytes` bytes. */
function formOfSize(bytes: number): string {
  const prefix = 'grant_type=client_credentials&client_id=00000000-0000-4000-8000-000000000000&client_secret=';
  return prefix + 's'.repeat(bytes - prefix.length);
}

const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

describe('limits and slow clients', () => {
  let sys: TestSystem;
  let port: number;
  let p: Partner;
  let api: Api;
  let entityId: string;
  let userToken: string;
  const observed: string[] = [];
  const note = (s: string) => observed.push(s);

  beforeAll(async () => {
    sys = await TestSystem.start();
    port = Number(new URL(sys.baseUrl).port);
    p = await partner(sys);
    api = new Api(sys, p.token);
    entityId = (await api.entity()).id;
    const admin = roleOf('limits-admin', { entity_user: { actions: ['create', 'read', 'update', 'delete'], permission: 'allowed' } });
    userToken = (await userWithRole(sys, api, p, entityId, admin)).token;
  }, 60_000);

  afterAll(async () => {
    if (observed.length) console.log(`limits observed:\n- ${observed.join('\n- ')}`);
    await sys?.stop();
  });

  async function expectHealthy(): Promise<void> {
    const res = await sys.http.get('/health', { version: null });
    expect(res.status).toBe(200);
  }

  /** A 4xx in the API's error shape (the message one, or 422 with located issues). */
  function expectApiError(res: HttpResponse, statuses: number[]): void {
    expect(statuses).toContain(res.status);
    expect(isMoniteError(res.json) || (res.status === 422 && isValidationError(res.json))).toBe(true);
  }

  const describeOutcome = (o: { status?: number; body: string; closed: boolean }) =>
    o.status !== undefined ? `${o.status} ${o.body.slice(0, 160)}` : o.closed ? 'connection closed, no response' : 'no answer, still open';

  describe('header size (Node maxHeaderSize 16 KiB)', () => {
    const cases: Array<[string, string]> = [
      ['one 32 KiB header', `X-Big: ${'a'.repeat(32 * 1024)}\r\n`],
      ['200 headers of 100 bytes (20 KiB)', Array.from({ length: 200 }, (_, i) => `X-H-${i}: ${'v'.repeat(100)}\r\n`).join('')],
    ];

    it.each(cases)('refuses %s with 431 in the error shape (read while the client is still sending), and serves the next client', async (name, headers) => {
      const outcome = await rawExchange(port, sys.ca, `GET /health HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`);
      note(`header size, ${name}: ${describeOutcome(outcome)}`);
      expect(outcome.status).toBe(431);
      expect(isMoniteError(JSON.parse(outcome.body))).toBe(true);
      await expectHealthy();
    });

    it('takes 200 small headers (under the size limit; Node keeps up to 2000)', async () => {
      const headers = Array.from({ length: 200 }, (_, i) => `X-H-${i}: v\r\n`).join('');
      const outcome = await rawExchange(port, sys.ca, `GET /health HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`);
      note(`200 small headers (2 KiB): ${describeOutcome(outcome)}`);
      expect(outcome.status).toBe(200);
    });
  });

  describe(`body size (GATEWAY_BODY_LIMIT ${BODY_LIMIT} bytes)`, () => {
    it('answers 64 KiB + 1 of JSON with 413 in the error shape, on a protected and on the token route', async () => {
      const over = jsonOfSize(BODY_LIMIT + 1);
      const entities = await sys.http.post('/v1/entities', { token: p.token, body: over, headers: { 'content-type': 'application/json' } });
      expect(entities.status).toBe(413);
      expect(entities.json).toEqual({ error: { message: expect.any(String) } });
      const token = await sys.http.post('/v1/auth/token', { body: over, headers: { 'content-type': 'application/json' } });
      expect(token.status).toBe(413);
      expect(token.json).toEqual({ error: { message: expect.any(String) } });
      note(`body ${BODY_LIMIT + 1} bytes JSON: ${entities.status} ${entities.text}`);
      await expectHealthy();
    });

    it('takes exactly 64 KiB (the limit is inclusive): validation answers, not the size check', async () => {
      const res = await sys.http.post('/v1/entities', { token: p.token, body: jsonOfSize(BODY_LIMIT), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(422);
      expect(isValidationError(res.json)).toBe(true);
    });

    it('answers 64 KiB + 1 of form to the token and revocation endpoints with 413 in the OAuth shape', async () => {
      for (const path of ['/v1/auth/token', '/v1/auth/revoke']) {
        const res = await sys.http.post(path, { body: formOfSize(BODY_LIMIT + 1), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expect(res.status).toBe(413);
        expect(isOAuthError(res.json)).toBe(true);
        expect(res.json.error).toBe('invalid_request');
        note(`body ${BODY_LIMIT + 1} bytes form to ${path}: ${res.status} ${res.text}`);
      }
      await expectHealthy();
    });

    it('answers a chunked body that grows past the limit (no Content-Length) with 413', async () => {
      const chunks = Array.from({ length: 17 }, () => Buffer.alloc(4 * 1024, 'a'));
      const body = Readable.from([Buffer.from('{"x":"'), ...chunks, Buffer.from('"}')]);
      const res = await sys.http.post('/v1/entities', { token: p.token, body: body as any, headers: { 'content-type': 'application/json' } });
      note(`chunked body of ${17 * 4} KiB: ${res.status} ${res.text}`);
      expect(res.status).toBe(413);
      expect(res.json).toEqual({ error: { message: expect.any(String) } });
      await expectHealthy();
    });
  });

  describe('slow clients (headersTimeout 10 s, requestTimeout 15 s)', () => {
    interface Slow {
      name: string;
      outcome: SocketOutcome;
    }
    const slow: Slow[] = [];
    const meanwhile: Array<{ at: number; what: string; status: number; ms: number }> = [];

    // The three slow clients run at once, and other clients are served meanwhile.
    beforeAll(async () => {
      const start = Date.now();
      const sockets: TLSSocket[] = [];
      const open = async (name: string, first: string) => {
        const socket = await openTls(port, sys.ca);
        sockets.push(socket);
        const closed = whenClosed(socket, start, SLOW_WAIT_MS).then((outcome) => slow.push({ name, outcome }));
        socket.write(first);
        return { socket, closed };
      };
      // Headers one byte a second, never finished.
      const trickle = await open('headers trickling one byte a second', 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      const drip = setInterval(() => {
        if (!trickle.socket.destroyed) trickle.socket.write('x');
      }, 1_000);
      // Headers begun, then nothing.
      const stalled = await open('headers never finished', 'GET /v1/settings HTTP/1.1\r\nHost: localhost\r\nAuthor');
      // Complete headers, a body that never completes.
      const body = await open(
        'a body that never completes',
        `POST /v1/entities HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${p.token}\r\nX-Monite-Version: 2024-05-25\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":`,
      );
      for (const at of [2_000, 9_000, 17_000]) {
        await new Promise((r) => setTimeout(r, Math.max(0, start + at - Date.now())));
        let t = Date.now();
        const health = await sys.http.get('/health', { version: null });
        meanwhile.push({ at, what: 'GET /health', status: health.status, ms: Date.now() - t });
        t = Date.now();
        const settings = await sys.http.get('/v1/settings', { token: p.token });
        meanwhile.push({ at, what: 'GET /v1/settings', status: settings.status, ms: Date.now() - t });
        t = Date.now();
        const fresh = await rawExchange(port, sys.ca, 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
        meanwhile.push({ at, what: 'GET /health on a new connection', status: fresh.status ?? 0, ms: Date.now() - t });
      }
      await Promise.all([trickle.closed, stalled.closed, body.closed]);
      clearInterval(drip);
      for (const s of sockets) s.destroy();
      for (const s of slow) {
        const when = Number.isFinite(s.outcome.closedAfterMs) ? `closed after ${(s.outcome.closedAfterMs / 1000).toFixed(1)} s` : `still open after ${SLOW_WAIT_MS / 1000} s`;
        note(`slow client, ${s.name}: ${when}; sent ${s.outcome.data ? JSON.stringify(s.outcome.data.slice(0, 200)) : 'nothing'}`);
      }
    }, SLOW_WAIT_MS + 30_000);

    const outcomeOf = (name: string): SocketOutcome => {
      const found = slow.find((s) => s.name === name);
      if (!found) throw new Error(`no outcome for ${name}`);
      return found.outcome;
    };

    it('keeps serving other clients while the slow ones hang', () => {
      expect(meanwhile).toHaveLength(9);
      for (const m of meanwhile) {
        expect(m).toMatchObject({ status: 200 });
        expect(m.ms).toBeLessThan(2_000);
      }
    });

    /** Closed after `timeout` (within Node's check interval), with a 408 in the API's error shape. */
    function expectTimedOut(o: SocketOutcome, timeout: number): void {
      expect(o.closedAfterMs).toBeGreaterThanOrEqual(timeout - 1_000);
      expect(o.closedAfterMs).toBeLessThanOrEqual(timeout + CHECK_INTERVAL_MS + 2_000);
      expect(o.data).toMatch(/^HTTP\/1\.1 408 /);
      expect(isMoniteError(JSON.parse(bodyOf(o.data)))).toBe(true);
    }

    it.each(['headers trickling one byte a second', 'headers never finished'])('closes a connection with %s at headersTimeout', (name) => {
      expectTimedOut(outcomeOf(name), HEADERS_TIMEOUT_MS);
    });

    it('closes a connection whose body never completes at requestTimeout', () => {
      expectTimedOut(outcomeOf('a body that never completes'), REQUEST_TIMEOUT_MS);
    });

    it('is healthy after the slow clients', () => expectHealthy());
  });

  describe('deep and huge JSON', () => {
    const DEEP = 10_000;
    const cases: Array<[string, string, string, string, boolean]> = [
      ['POST', '/v1/entities', 'root array', deepArray(DEEP), false],
      ['POST', '/v1/entities', 'root object', deepObject(DEEP), false],
      ['POST', '/v1/entities', 'address', `{"type":"organization","email":"d@example.com","address":${deepObject(DEEP)}}`, false],
      ['POST', '/v1/roles', 'permissions', `{"name":"deep","permissions":${deepObject(DEEP)}}`, true],
      ['POST', '/v1/roles', 'permissions.objects', `{"name":"deep","permissions":{"objects":${deepArray(DEEP)}}}`, true],
      ['POST', '/v1/entity_users', 'first_name', `{"login":"deep","first_name":${deepArray(DEEP)}}`, true],
      ['PATCH', '/v1/settings', 'default_role', `{"default_role":${deepObject(DEEP)}}`, false],
      ['PATCH', '/v1/settings', 'default_role.permissions', `{"default_role":{"permissions":{"objects":[],"x":${deepObject(DEEP)}}}}`, false],
      ['PATCH', '/v1/settings', 'currency', `{"currency":${deepObject(DEEP)}}`, false],
      ['PATCH', '/v1/settings', 'mail', `{"mail":${deepObject(DEEP)}}`, false],
      ['PATCH', '/v1/settings', 'payments', `{"payments":${deepObject(DEEP)}}`, false],
      ['POST', '/v1/auth/token', 'root array', deepArray(DEEP), false],
      ['POST', '/v1/auth/token', 'client_id', `{"grant_type":"client_credentials","client_id":${deepArray(DEEP)},"client_secret":"x"}`, false],
    ];

    it.each(cases)(`%s %s with ${DEEP} levels of nesting in %s: 400 or 422, never 5xx`, async (method, path, where, body, scoped) => {
      const res = await sys.http.send(method, path, {
        token: path.startsWith('/v1/auth') ? undefined : p.token,
        body,
        headers: { 'content-type': 'application/json', ...(scoped ? { 'x-monite-entity-id': entityId } : {}) },
      });
      note(`deep JSON (${DEEP} levels) ${method} ${path} in ${where}: ${res.status} ${res.text.slice(0, 140)}`);
      expectApiError(res, [400, 422]);
      expect(res.text.length).toBeLessThan(2_000);
    });

    it('is healthy after the deep bodies', () => expectHealthy());

    const ELEMENTS = (60 * 1024) / 4; // ["a","a",... ]: 4 bytes an element
    const strings = JSON.stringify(Array.from({ length: ELEMENTS }, () => 'a'));
    const huge: Array<[string, string, string, string, boolean]> = [
      ['POST', '/v1/entities', 'root array', strings, false],
      ['POST', '/v1/entity_users', 'first_name', `{"login":"huge","first_name":${strings}}`, true],
      ['POST', '/v1/roles', 'permissions.objects (1,300 entries)', `{"name":"huge","permissions":{"objects":${JSON.stringify(Array.from({ length: 1_300 }, () => ({ object_type: 'entity_user', actions: [] })))}}}`, true],
      ['POST', '/v1/auth/token', 'root array', strings, false],
      ['PATCH', '/v1/entities/' + '00000000-0000-4000-8000-000000000000', 'email', `{"email":${strings}}`, false],
    ];

    it.each(huge)('%s %s with 60 KiB of array elements in %s: 400 or 422', async (method, path, where, body, scoped) => {
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(BODY_LIMIT);
      const res = await sys.http.send(method, path, {
        token: path.startsWith('/v1/auth') ? undefined : p.token,
        body,
        headers: { 'content-type': 'application/json', ...(scoped ? { 'x-monite-entity-id': entityId } : {}) },
      });
      note(`huge JSON (${Buffer.byteLength(body)} bytes) ${method} ${path} in ${where}: ${res.status} ${res.text.slice(0, 140)}`);
      expectApiError(res, [400, 422]);
      // A refusal must not amplify the input: at most 20 issues and a summary of the rest.
      if (res.status === 422) expect(res.json.detail.length).toBeLessThanOrEqual(21);
      expect(res.text.length).toBeLessThan(5_000);
    });

    it('stores 60 KiB of commercial_conditions (the reference sets no maxItems): accepted and read back equal, or refused', async () => {
      const conditions = Array.from({ length: ELEMENTS - 10 }, () => 'a');
      const res = await sys.http.patch('/v1/settings', { token: p.token, json: { commercial_conditions: conditions } });
      note(`huge but valid PATCH /v1/settings commercial_conditions (${JSON.stringify({ commercial_conditions: conditions }).length} bytes): ${res.status}`);
      if (res.status === 200) {
        const back = await sys.http.get('/v1/settings', { token: p.token });
        expect(back.json.commercial_conditions).toEqual(conditions);
        await sys.http.patch('/v1/settings', { token: p.token, json: { commercial_conditions: null } });
      } else expectApiError(res, [400, 422]);
      await expectHealthy();
    });
  });

  describe('unicode and NUL in stored strings (entity user first_name: maxLength 255 code points)', () => {
    const values: Array<[string, string]> = [
      ['a NUL', '\u0000'],
      ['a NUL inside', 'Ca\u0000sey'],
      ['emoji and a ZWJ family', '🦄 👩‍👩‍👧‍👦'],
      ['right-to-left override', '\u202eyesaC'],
      ['Arabic (RTL)', 'مرحبا'],
      ['Hebrew (RTL)', 'שלום'],
      ['combining marks', 'Ce\u0301line'],
      ['zero-width and BOM', 'Ca\u200bse\ufeffy'],
      ['the last code point', 'x\u{10ffff}'],
      ['control characters', 'a\u0001\u001f\u007fb'],
      ['255 ASCII', 'a'.repeat(255)],
      ['255 emoji (510 UTF-16 units, 1020 bytes)', '🦄'.repeat(255)],
      ['255 combining sequences (510 code points)', 'e\u0301'.repeat(255)],
      ['256 ASCII', 'a'.repeat(256)],
      ['256 emoji', '🦄'.repeat(256)],
      ['a lone surrogate', 'Ca\ud800sey'],
    ];
    /** Over the limit in code points: a 422 is the only right answer. */
    const tooLong = (v: string) => [...v].length > 255;

    async function check(what: string, value: string, res: HttpResponse, readBack: () => Promise<string>, field: (string | number)[]): Promise<void> {
      const shown = JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value);
      expect(res.status).toBeLessThan(500);
      if (res.status >= 200 && res.status < 300) {
        expect(tooLong(value)).toBe(false);
        const back = await readBack();
        expect(back).toBe(value);
        note(`${what} ${shown}: ${res.status}, read back equal`);
      } else {
        expect(res.status).toBe(422);
        expect(res.json.detail).toContainEqual(expect.objectContaining({ loc: field }));
        note(`${what} ${shown}: 422 ${res.json.detail.map((d: any) => d.type).join(',')}`);
      }
    }

    it.each(values)('POST /v1/entity_users with first_name = %s: stored exactly or 422, never 5xx', async (_name, value) => {
      const res = await api.post('/v1/entity_users', { login: `uni-${randomUUID()}`, first_name: value }, entityId);
      await check('POST /v1/entity_users first_name', value, res, async () => (await api.get(`/v1/entity_users/${res.json.id}`, entityId)).json.first_name, ['body', 'first_name']);
      if (tooLong(value)) expect(res.status).toBe(422);
    });

    it.each(values)('PATCH /v1/entity_users/me with first_name = %s: stored exactly or 422, never 5xx', async (_name, value) => {
      const res = await sys.http.patch('/v1/entity_users/me', { token: userToken, json: { first_name: value } });
      await check('PATCH /v1/entity_users/me first_name', value, res, async () => (await sys.http.get('/v1/entity_users/me', { token: userToken })).json.first_name, ['body', 'first_name']);
    });

    it.each(values)('POST /v1/entity_users with login = %s: stored exactly or 422, never 5xx', async (_name, value) => {
      const res = await api.post('/v1/entity_users', { login: value, first_name: 'Casey' }, entityId);
      if (res.status === 409) return; // an earlier case (or its U+FFFD twin) took the login
      await check('POST /v1/entity_users login', value, res, async () => (await api.get(`/v1/entity_users/${res.json.id}`, entityId)).json.login, ['body', 'login']);
    });

    it('is healthy after the unicode cases', () => expectHealthy());
  });

  describe('very long ids', () => {
    const long = 'a'.repeat(10_000);

    it.each([
      ['GET', '/v1/entities/:id', `/v1/entities/${long}`, false],
      ['PATCH', '/v1/entities/:id', `/v1/entities/${long}`, false],
      ['GET', '/v1/entity_users/:id', `/v1/entity_users/${long}`, true],
      ['DELETE', '/v1/roles/:id', `/v1/roles/${long}`, true],
      ['POST', '/v1/entities/:id/activate', `/v1/entities/${long}/activate`, false],
    ] as Array<[string, string, string, boolean]>)('%s %s with a 10,000-character id: 4xx', async (method, _route, path, scoped) => {
      const res = await sys.http.send(method, path, { token: p.token, json: method === 'PATCH' ? {} : undefined, headers: scoped ? { 'x-monite-entity-id': entityId } : {} });
      note(`${method} ${path.slice(0, 20)}…(10,000-char id): ${res.status} ${res.text.slice(0, 120)}…`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectApiError(res, [404, 414, 422]);
      // The path is never echoed back.
      expect(res.text.length).toBeLessThan(1_000);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });

    it('refuses a 10,000-character x-monite-entity-id with 422 at the header, for a partner and an entity-user token', async () => {
      for (const token of [p.token, userToken]) {
        const res = await sys.http.get('/v1/entity_users', { token, headers: { 'x-monite-entity-id': long } });
        expect(res.status).toBe(422);
        expect(res.json.detail).toEqual([expect.objectContaining({ loc: ['header', 'x-monite-entity-id'], type: 'uuid_parsing' })]);
        expect(res.text.length).toBeLessThan(1_000);
      }
      note('x-monite-entity-id of 10,000 characters: 422 uuid_parsing at ["header","x-monite-entity-id"]');
      await expectHealthy();
    });
  });
});
