import { randomUUID } from 'node:crypto';
import { IdentitySubjects } from '@gatehouse/contracts';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { roleOf, userWithRole, Api, partner, Partner, HttpResponse, isMoniteError, isOAuthError, isValidationError, openTls, rawExchange, SocketOutcome, whenClosed } from '@gatehouse/testing';
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

    // Each case in an entity of its own: no earlier case can hold the login, so a 409 is never excused.
    it.each(values)('POST /v1/entity_users with login = %s: stored as NFC or 422, never 409 or 5xx', async (_name, value) => {
      const fresh = (await api.entity()).id;
      const res = await api.post('/v1/entity_users', { login: value, first_name: 'Casey' }, fresh);
      await check('POST /v1/entity_users login', value.normalize('NFC'), res, async () => (await api.get(`/v1/entity_users/${res.json.id}`, fresh)).json.login, ['body', 'login']);
      if (tooLong(value)) expect(res.status).toBe(422);
    });

    it('is healthy after the unicode cases', () => expectHealthy());
  });

  describe('logins: one visible spelling each (NFC, no control or invisible characters, no padding, one script, case-insensitive)', () => {
    /** Refused at ["body","login"] with this type: the login rule's value_error, or the gateway's check of unstorable strings. */
    const refused: Array<[string, string, string]> = [
      ['empty', '', 'value_error'],
      ['only a space', ' ', 'value_error'],
      ['a leading space', ' casey', 'value_error'],
      ['a trailing space', 'casey ', 'value_error'],
      ['a trailing tab', 'casey\t', 'value_error'],
      ['a leading no-break space', '\u00a0casey', 'value_error'],
      ['a trailing ideographic space', 'casey\u3000', 'value_error'],
      ['a right-to-left override', '\u202eyesac', 'value_error'],
      ['a right-to-left override inside', 'ca\u202esey\u202c', 'value_error'],
      ['a left-to-right mark', 'casey\u200e', 'value_error'],
      ['a right-to-left isolate', 'ca\u2067sey\u2069', 'value_error'],
      ['a zero-width joiner', 'ca\u200dsey', 'value_error'],
      ['a zero-width non-joiner', 'ca\u200csey', 'value_error'],
      ['a zero-width space', 'ca\u200bsey', 'value_error'],
      ['a word joiner', 'ca\u2060sey', 'value_error'],
      ['a byte order mark', '\ufeffcasey', 'value_error'],
      ['a soft hyphen', 'ca\u00adsey', 'value_error'],
      ['a variation selector', 'casey\ufe0f', 'value_error'],
      ['a Hangul filler', 'ca\u3164sey', 'value_error'],
      ['a control character (BEL)', 'ca\u0007sey', 'value_error'],
      ['an escape sequence', '\u001b[31mcasey', 'value_error'],
      ['DEL', 'casey\u007f', 'value_error'],
      ['a newline', 'ca\nsey', 'value_error'],
      ['a C1 control (NEL)', 'ca\u0085sey', 'value_error'],
      ['a line separator', 'ca\u2028sey', 'value_error'],
      ['a private-use character', 'casey\ue000', 'value_error'],
      ['Latin with a Cyrillic і (homoglyph twin)', 'v\u0456ctim', 'value_error'],
      ['Latin with a Cyrillic а and о', '\u0430dmin\u043e', 'value_error'],
      ['Latin with a Greek ο', 'r\u03bfot', 'value_error'],
      ['Latin with Arabic-Indic digits', 'casey\u0661\u0662', 'value_error'],
      ['a NUL', 'ca\u0000sey', 'string_type'],
      ['a lone surrogate', 'ca\ud800sey', 'string_unicode'],
    ];

    const expectRefusedLogin = (res: HttpResponse, type: string) => {
      expect(res.status).toBe(422);
      expect(res.json.detail).toEqual([{ loc: ['body', 'login'], msg: expect.stringMatching(/\S/), type }]);
    };

    it.each(refused)('POST /v1/entity_users with a login with %s: 422 at ["body","login"]', async (name, login, type) => {
      const fresh = (await api.entity()).id;
      const res = await api.post('/v1/entity_users', { login, first_name: 'Casey' }, fresh);
      expectRefusedLogin(res, type);
      note(`login with ${name}: 422 ${res.json.detail[0].type} "${res.json.detail[0].msg}"`);
      expect((await api.get('/v1/entity_users', fresh)).json.data).toEqual([]);
    });

    it.each(refused)('PATCH /v1/entity_users/{id} with a login with %s: 422 at ["body","login"], the login unchanged', async (_name, login, type) => {
      const user = await api.user(entityId, { login: `patched-${randomUUID()}` });
      const res = await api.patch(`/v1/entity_users/${user.id}`, { login }, entityId);
      expectRefusedLogin(res, type);
      expect((await api.get(`/v1/entity_users/${user.id}`, entityId)).json).toMatchObject({ login: user.login, version: user.version });
    });

    it.each([
      ['combining marks (stored composed)', 'Ce\u0301line', 'C\u00e9line'],
      ['an inner space', 'Casey Peters', 'Casey Peters'],
      ['an email address', 'casey.peters+1@example.com', 'casey.peters+1@example.com'],
      ['Cyrillic alone', '\u0414\u043c\u0438\u0442\u0440\u0438\u0439', '\u0414\u043c\u0438\u0442\u0440\u0438\u0439'],
      ['Greek alone', '\u0391\u03b8\u03b7\u03bd\u03ac', '\u0391\u03b8\u03b7\u03bd\u03ac'],
      ['Japanese with Latin (Latin + Han + Hiragana + Katakana)', 'yamada\u5c71\u7530\u305f\u308d\u3046\u30bf\u30ed\u30a6', 'yamada\u5c71\u7530\u305f\u308d\u3046\u30bf\u30ed\u30a6'],
      ['Korean with Han and Latin', 'kim\uae40\u91d1', 'kim\uae40\u91d1'],
      ['Arabic alone', '\u0645\u0631\u062d\u0628\u0627', '\u0645\u0631\u062d\u0628\u0627'],
      ['an emoji', 'casey\ud83e\udd84', 'casey\ud83e\udd84'],
    ])('accepts a login with %s, stored in NFC', async (_name, login, stored) => {
      const fresh = (await api.entity()).id;
      const res = await api.post('/v1/entity_users', { login, first_name: 'Casey' }, fresh);
      expect(res.status).toBe(200);
      expect(res.json.login).toBe(stored);
      expect((await api.get(`/v1/entity_users/${res.json.id}`, fresh)).json.login).toBe(stored);
    });

    /** Logins that are one login: the second (and later) is a 409 in the entity, whichever way it is spelled. */
    it.each([
      ['"café" composed (NFC) and decomposed (NFD)', ['caf\u00e9', 'cafe\u0301']],
      ['"Victim" and "victim" (case)', ['Victim', 'victim', 'VICTIM', 'vIcTiM']],
      ['fullwidth "ｖｉｃｔｉｍ" and "victim" (compatibility forms)', ['\uff56\uff49\uff43\uff54\uff49\uff4d', 'victim']],
      ['"Straße", "STRASSE" and "strasse" (case folding)', ['Stra\u00dfe', 'STRASSE', 'strasse']],
      ['"Ὀδυσσεύς" and "ὈΔΥΣΣΕΎΣ" (Greek case, final sigma)', ['\u1f48\u03b4\u03c5\u03c3\u03c3\u03b5\u03cd\u03c2', '\u1f48\u0394\u03a5\u03a3\u03a3\u0395\u038e\u03a3']],
    ])('%s: the first is stored, every other spelling is a 409, on POST and on PATCH', async (_name, spellings) => {
      const fresh = (await api.entity()).id;
      const first = await api.post('/v1/entity_users', { login: spellings[0], first_name: 'Casey' }, fresh);
      expect(first.status).toBe(200);
      const other = await api.user(fresh, { login: `other-${randomUUID()}` });
      for (const login of [...spellings.slice(1), spellings[0]]) {
        const created = await api.post('/v1/entity_users', { login, first_name: 'Twin' }, fresh);
        expect({ login, status: created.status, body: created.json }).toEqual({ login, status: 409, body: { error: { message: expect.any(String) } } });
        const patched = await api.patch(`/v1/entity_users/${other.id}`, { login }, fresh);
        expect({ login, status: patched.status }).toEqual({ login, status: 409 });
      }
      const listed = (await api.get('/v1/entity_users', fresh)).json.data.map((u: any) => u.login);
      expect(listed.sort()).toEqual([spellings[0].normalize('NFC'), other.login].sort());
    });

    it('a homoglyph twin of an existing login is refused (422), and the original stays the only one', async () => {
      const fresh = (await api.entity()).id;
      expect((await api.post('/v1/entity_users', { login: 'victim', first_name: 'Casey' }, fresh)).status).toBe(200);
      const twin = await api.post('/v1/entity_users', { login: 'v\u0456ctim', first_name: 'Mallory' }, fresh);
      expectRefusedLogin(twin, 'value_error');
      expect((await api.get('/v1/entity_users', fresh)).json.data.map((u: any) => u.login)).toEqual(['victim']);
    });

    it('a user may change the case of its own login; a deleted user\'s login (in any case) is free again', async () => {
      const fresh = (await api.entity()).id;
      const user = await api.user(fresh, { login: 'Victim' });
      const recased = await api.patch(`/v1/entity_users/${user.id}`, { login: 'VICTIM' }, fresh);
      expect(recased.status).toBe(200);
      expect(recased.json.login).toBe('VICTIM');
      expect((await api.delete(`/v1/entity_users/${user.id}`, fresh)).status).toBe(204);
      const again = await api.post('/v1/entity_users', { login: 'victim', first_name: 'Casey' }, fresh);
      expect(again.status).toBe(200);
      expect(again.json.login).toBe('victim');
    });

    it('PATCH /v1/entity_users/me still cannot change the login (422 extra_forbidden), good or bad', async () => {
      const before = (await sys.http.get('/v1/entity_users/me', { token: userToken })).json;
      for (const login of ['someone-else', '\u202eevil', before.login.toUpperCase()]) {
        const res = await sys.http.patch('/v1/entity_users/me', { token: userToken, json: { login } });
        expect(res.status).toBe(422);
        expect(res.json.detail).toContainEqual(expect.objectContaining({ loc: ['body', 'login'], type: 'extra_forbidden' }));
      }
      expect((await sys.http.get('/v1/entity_users/me', { token: userToken })).json).toMatchObject({ login: before.login, version: before.version });
    });

    it('identity refuses a bad login itself (invalid_request at ["body","login"], by its contract) when asked over NATS, not only the gateway', async () => {
      const nats = await sys.nats();
      const fresh = (await api.entity()).id;
      const access = { project_id: p.project_id, entity_id: fresh, actor_entity_user_id: null, scope: 'all' };
      const user = await api.user(fresh, { login: 'direct' });
      const outcome = async (subject: string, payload: unknown) => {
        try {
          return { answered: await nats.request<unknown>(subject, payload) };
        } catch (err) {
          return { refused: (err as { body?: unknown }).body };
        }
      };
      for (const [, login] of [...refused, ['not a string', 42], ['null on create', null]] as Array<[string, unknown]>) {
        const created = await outcome(IdentitySubjects.entityUserCreate, { access, body: { login, first_name: 'Direct' } });
        expect({ login, created }).toEqual({
          login,
          created: { refused: { code: 'invalid_request', message: expect.any(String), details: [{ path: ['body', 'login'], message: expect.stringMatching(/\S/) }] } },
        });
        if (login === null) continue; // null on update means "no change"
        const updated = await outcome(IdentitySubjects.entityUserUpdate, { access, id: user.id, body: { login } });
        expect({ login, updated }).toEqual({
          login,
          updated: { refused: { code: 'invalid_request', message: expect.any(String), details: [{ path: ['body', 'login'], message: expect.stringMatching(/\S/) }] } },
        });
      }
      // A decomposed login sent straight to identity is stored composed, and its case twin is a duplicate.
      const stored = await outcome(IdentitySubjects.entityUserCreate, { access, body: { login: 'Cafe\u0301', first_name: 'Direct' } });
      expect(stored).toEqual({ answered: expect.objectContaining({ login: 'Caf\u00e9' }) });
      const twin = await outcome(IdentitySubjects.entityUserCreate, { access, body: { login: 'CAF\u00c9', first_name: 'Direct' } });
      expect(twin).toEqual({ refused: expect.objectContaining({ code: 'conflict' }) });
      expect((await api.get('/v1/entity_users', fresh)).json.data.map((u: any) => u.login).sort()).toEqual(['Caf\u00e9', 'direct']);
    });
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
