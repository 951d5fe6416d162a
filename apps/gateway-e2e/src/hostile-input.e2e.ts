import fc from 'fast-check';
import { CATALOGUE } from '@gatehouse/permissions';
import { roleOf, userWithRole, Api, INDIVIDUAL, ORG, partner, ROLE, API_VERSION, pct, HttpClient, RawRequest, RawResponse, responseProblem, visible } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/*
 * Property-based hostile input over every public endpoint. Each property
 * generates whole requests (route, path ids, query, headers, body) and asserts,
 * for every one:
 *   - the status is never 5xx (nor 1xx/3xx), and the connection is not dropped;
 *   - the body is JSON (204: empty); a 4xx is in the documented shape:
 *     {"error":{"message"}} or 422 {"detail":[{loc,msg,type}]}, and for a form
 *     POST to /v1/auth/token|revoke the OAuth shape {"error", "error_description"?};
 *   - two Authorization headers are refused with 400; a form body is never
 *     accepted on a route other than the token and revocation endpoints;
 *   - a refused (4xx, or a known-bug 5xx) mutating request leaves the tracked
 *     records (an entity, its settings, a user, the caller's own user, a role
 *     users hold, a spare role no one holds, the project settings) exactly as
 *     they were (whole GET body compared); after an accepted one the baselines
 *     are re-read, a deactivated entity is activated again and a deleted user or
 *     role is replaced by a fresh one, so every route can still accept a write.
 * After the run the system is healthy, the test tokens still work, and every
 * error line in the services' logs (each names its request id) belongs to a
 * known-bug 5xx: with none known, there is no error line at all.
 *
 * Known bugs (KNOWN_BUGS below) are excluded by a precise match of
 * input and answer, and counted in the summary printed at the end.
 *
 * A failure names the request (tokens masked), the response and the service
 * log lines of its request id. Reproduce with FC_SEED=<seed> (fast-check prints
 * the seed and path); FUZZ_SCALE=0.1 makes a quick run; FUZZ_STRICT=1 turns the
 * known-bug exclusions (KNOWN_BUGS) off.
 */

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const RUNS = { oauth: runs(500), bodies: runs(1_100), paths: runs(450), queries: runs(550), headers: runs(600), chaos: runs(400) };
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
/** FUZZ_STRICT=1: no known-bug exclusions (to see them fail, or to check a fix). */
const STRICT = process.env.FUZZ_STRICT === '1';
const PROPERTY_TIMEOUT = 300_000;

type Track = 'settings' | 'entity' | 'entitySettings' | 'user' | 'me' | 'role' | 'spareRole';
type IdKind = 'entity' | 'user' | 'role';

interface Ctx {
  partnerToken: string;
  userToken: string;
  otherPartnerToken: string;
  cred: { client_id: string; client_secret: string };
  entityId: string;
  entity2Id: string;
  foreignEntityId: string;
  userId: string;
  meId: string;
  roleId: string;
  /** A role no user holds and no default names: its DELETE can be accepted. */
  spareRoleId: string;
  spareTokens: string[];
  pageToken: string;
}

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** With `:id` for the path id. */
  path: string;
  idKind?: IdKind;
  auth: 'public' | 'partner' | 'user' | 'any';
  /** Sends x-monite-entity-id. */
  scoped?: boolean;
  oauth?: boolean;
  list?: boolean;
  /** Tracked records a refused request here must leave unchanged. */
  touches?: Track[];
  /** Valid JSON bodies (fresh each call). */
  valid?: (c: Ctx) => unknown[];
}

let seq = 0;
const uniq = (p: string) => `${p}-${process.pid}-${++seq}`;

const ENTITY_PATCHES = (): unknown[] => [
  { phone: '+49 30 1234567' },
  { email: `e-${++seq}@example.com` },
  { address: { city: 'Köln', line2: 'Hinterhaus' } },
  { organization: { legal_name: `Renamed ${seq} GmbH` } },
  { tax_id: 'DE123456789', registration_number: 'HRB 1', registration_authority: 'Amtsgericht Charlottenburg' },
];

/** A client's own spare token, with and without a hint: the revocation and introspection endpoints' valid bodies. */
const SPARE_TOKEN_BODIES = (c: Ctx): unknown[] => {
  const own = { client_id: c.cred.client_id, client_secret: c.cred.client_secret };
  return [
    { ...own, token: c.spareTokens[seq++ % c.spareTokens.length] },
    { ...own, token: c.spareTokens[seq++ % c.spareTokens.length], token_type_hint: 'access_token' },
  ];
};

const ROUTES: Route[] = [
  {
    method: 'POST',
    path: '/v1/auth/token',
    auth: 'public',
    oauth: true,
    valid: (c) => [
      { grant_type: 'client_credentials', client_id: c.cred.client_id, client_secret: c.cred.client_secret },
      { grant_type: 'entity_user', client_id: c.cred.client_id, client_secret: c.cred.client_secret, entity_user_id: c.meId },
    ],
  },
  {
    method: 'POST',
    path: '/v1/auth/revoke',
    auth: 'public',
    oauth: true,
    // Only spare tokens: the fuzzer must not revoke the tokens it works with.
    valid: SPARE_TOKEN_BODIES,
  },
  { method: 'POST', path: '/v1/auth/introspect', auth: 'public', oauth: true, valid: SPARE_TOKEN_BODIES },
  { method: 'GET', path: '/v1/settings', auth: 'partner' },
  { method: 'GET', path: '/v1/audit_logs', auth: 'any', list: true },
  {
    method: 'PATCH',
    path: '/v1/settings',
    auth: 'partner',
    touches: ['settings'],
    valid: () => [
      { access_token_ttl: 1800 },
      { website: 'https://example.com' },
      { commercial_conditions: ['net 30'] },
      { default_role: { name: 'fallback', permissions: { objects: [{ object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] }] } } },
      { default_role: null, access_token_ttl: null },
    ],
  },
  { method: 'POST', path: '/v1/entities', auth: 'partner', valid: () => [ORG(), INDIVIDUAL()] },
  { method: 'GET', path: '/v1/entities', auth: 'partner', list: true },
  { method: 'GET', path: '/v1/entities/:id', idKind: 'entity', auth: 'partner' },
  { method: 'PATCH', path: '/v1/entities/:id', idKind: 'entity', auth: 'partner', touches: ['entity'], valid: ENTITY_PATCHES },
  { method: 'POST', path: '/v1/entities/:id/activate', idKind: 'entity', auth: 'partner', touches: ['entity'] },
  { method: 'POST', path: '/v1/entities/:id/deactivate', idKind: 'entity', auth: 'partner', touches: ['entity'] },
  { method: 'GET', path: '/v1/entities/:id/settings', idKind: 'entity', auth: 'partner' },
  {
    method: 'PATCH',
    path: '/v1/entities/:id/settings',
    idKind: 'entity',
    auth: 'partner',
    touches: ['entitySettings'],
    valid: (c) => [{ default_role_id: c.roleId }, { default_role_id: null }],
  },
  {
    method: 'POST',
    path: '/v1/entity_users',
    auth: 'any',
    scoped: true,
    valid: (c) => [
      { login: uniq('fz'), first_name: 'Casey' },
      { login: uniq('fz'), first_name: 'Casey', last_name: 'Peters', email: 'casey@example.com', phone: '+1 555 0100', title: 'CFO', role_id: c.roleId },
    ],
  },
  { method: 'GET', path: '/v1/entity_users', auth: 'any', scoped: true, list: true },
  { method: 'GET', path: '/v1/entity_users/:id', idKind: 'user', auth: 'any', scoped: true },
  {
    method: 'PATCH',
    path: '/v1/entity_users/:id',
    idKind: 'user',
    auth: 'any',
    scoped: true,
    touches: ['user'],
    valid: (c) => [{ title: 'CFO' }, { first_name: 'Ann', last_name: null }, { role_id: c.roleId }, { email: 'ann@example.com', phone: '+44 20 7946 0000' }],
  },
  { method: 'DELETE', path: '/v1/entity_users/:id', idKind: 'user', auth: 'any', scoped: true, touches: ['user'] },
  { method: 'GET', path: '/v1/entity_users/me', auth: 'user', scoped: true },
  { method: 'PATCH', path: '/v1/entity_users/me', auth: 'user', scoped: true, touches: ['me'], valid: () => [{ title: 'Boss' }, { first_name: 'Me', phone: '+1 555 0101' }] },
  { method: 'GET', path: '/v1/entity_users/my_role', auth: 'user', scoped: true },
  { method: 'GET', path: '/v1/entity_users/my_entity', auth: 'user', scoped: true },
  { method: 'PATCH', path: '/v1/entity_users/my_entity', auth: 'user', scoped: true, touches: ['entity'], valid: ENTITY_PATCHES },
  { method: 'POST', path: '/v1/roles', auth: 'any', scoped: true, valid: () => [ROLE(uniq('role')), roleOf(uniq('role'), { role: { actions: CATALOGUE.role, permission: 'allowed_for_own' } })] },
  { method: 'GET', path: '/v1/roles', auth: 'any', scoped: true, list: true },
  { method: 'GET', path: '/v1/roles/:id', idKind: 'role', auth: 'any', scoped: true },
  {
    method: 'PATCH',
    path: '/v1/roles/:id',
    idKind: 'role',
    auth: 'any',
    scoped: true,
    touches: ['role', 'spareRole'],
    valid: () => [{ name: uniq('renamed') }, { permissions: ROLE().permissions }, { name: null, permissions: null }],
  },
  { method: 'DELETE', path: '/v1/roles/:id', idKind: 'role', auth: 'any', scoped: true, touches: ['role', 'spareRole'] },
  { method: 'GET', path: '/health', auth: 'public' },
  { method: 'GET', path: '/health/ready', auth: 'public' },
  { method: 'GET', path: '/v1/auth/jwks', auth: 'public' },
  { method: 'GET', path: '/.well-known/oauth-authorization-server', auth: 'public' },
  { method: 'GET', path: '/v1/openapi.json', auth: 'public' },
];

const OAUTH_ROUTES = ROUTES.filter((r) => r.oauth);
/** The endpoints that take forms and answer them in OAuth's dialect (token, revocation, introspection). */
const OAUTH_PATHS = new Set(OAUTH_ROUTES.map((r) => r.path));
const BODY_ROUTES = ROUTES.filter((r) => r.valid && !r.oauth);
const ID_ROUTES = ROUTES.filter((r) => r.idKind);
const LIST_ROUTES = ROUTES.filter((r) => r.list);

// ---- the generated request ---------------------------------------------------

/** A body as generated: JSON to serialise, or bytes, with the content type to send (null: none). */
type BodySpec =
  | { kind: 'none'; contentType?: string | null }
  | { kind: 'valid'; pick: number; contentType?: string | null }
  | { kind: 'mutated'; pick: number; mutations: Mutation[]; form?: boolean; contentType?: string | null }
  | { kind: 'json'; value: unknown; contentType?: string | null }
  | { kind: 'text'; text: string; contentType: string | null }
  | { kind: 'form'; pairs: [string, string][]; contentType?: string | null }
  | { kind: 'bytes'; hex: string; contentType: string | null };

type AuthSpec =
  | { kind: 'none' }
  | { kind: 'partner' | 'user' | 'other'; suffix?: string; scheme?: string }
  | { kind: 'flipped'; which: 'partner' | 'user'; at: number; ch: string }
  | { kind: 'forged'; which: 'partner' | 'user'; claims: Record<string, unknown> }
  | { kind: 'raw'; value: string }
  /** Two Authorization headers (Node keeps the first and drops the other): always 400. */
  | { kind: 'twice'; first: AuthSpec; second: AuthSpec };

type IdSpec = { kind: 'known'; which: number; spelling: number } | { kind: 'raw'; text: string };

type EntityHeaderSpec = { kind: 'none' } | { kind: 'valid' } | { kind: 'id'; id: IdSpec } | { kind: 'raw'; value: string | string[] };

type VersionSpec = { kind: 'valid' } | { kind: 'none' } | { kind: 'raw'; value: string | string[] };

interface Case {
  /** A route of the table, or a method and raw path (chaos). */
  route: number | { method: string; path: string };
  id?: IdSpec;
  query?: string;
  auth: AuthSpec;
  entity: EntityHeaderSpec;
  version: VersionSpec;
  body: BodySpec;
  extraHeaders?: [string, string][];
}

type Mutation =
  | { op: 'drop'; at: number }
  | { op: 'set'; at: number; value: unknown }
  | { op: 'huge'; at: number; size: number; ch: string }
  | { op: 'deep'; at: number; depth: number; array: boolean }
  | { op: 'unicode'; at: number; value: string }
  | { op: 'extra'; at: number; key: string; value: unknown };

// ---- arbitraries -------------------------------------------------------------

/** Characters a header value may hold on the wire (undici refuses others before sending). */
const headerChar = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((c) => String.fromCharCode(c));
const headerJunk = (maxLength = 80) => fc.string({ unit: headerChar, maxLength });
/**
 * Characters sent raw in a path or query: printable ASCII, and now and then a
 * raw byte above 0x7e (undici sends 0x21..0xff; Node's parser refuses the high ones).
 */
const pathChar = fc
  .oneof({ weight: 30, arbitrary: fc.integer({ min: 0x21, max: 0x7e }) }, { weight: 1, arbitrary: fc.integer({ min: 0xa1, max: 0xff }) })
  .map((c) => String.fromCharCode(c))
  .filter((c) => c !== '/' && c !== '?' && c !== '#');

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(10),
  '\ud800',
  '\udfff',
  'x\udc00y',
  '\ud83d',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שלום',
  '🦄'.repeat(10),
  '👩‍👩‍👧‍👦',
  '\u200b\u200d\ufeff',
  'e\u0301'.repeat(20),
  '\uffff\ufffe',
  '\u{10ffff}',
  '\r\n\t\u0007\u001b[31m',
  "'; DROP TABLE entity_users; --",
  '%00',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '🦄'.repeat(255),
  '🦄'.repeat(256),
  'é'.repeat(255),
  'a'.repeat(255),
  'a'.repeat(256),
  '\u0000'.repeat(255),
  '__proto__',
  'constructor',
];
const unicodeString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', '\ud800', '\udc00'), fc.string({ maxLength: 10 })).map((p) => p.join('')) },
);

const jsonish = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: unicodeString },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, [], {}, [null], { '': null }, '1', 'true', 'null', '2024-05-25'),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }).map((v) => jsonSafe(v)) },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: jsonish }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('huge' as const), at: fc.nat(), size: fc.constantFrom(256, 1_000, 5_000, 30_000, 70_000), ch: fc.constantFrom('a', 'é', '🦄', '\u0000', ' ') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deep' as const), at: fc.nat(), depth: fc.constantFrom(20, 200, 2_000, 6_000), array: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('unicode' as const), at: fc.nat(), value: unicodeString }) },
  { weight: 2, arbitrary: fc.record({
    op: fc.constant('extra' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'id', 'version', 'project_id', 'entity_id', 'status', 'created_at', 'mail', 'payments', '\u0000', '🦄'),
      fc.string({ maxLength: 12 }),
    ),
    value: jsonish,
  }) },
);
/** Mostly one mutation (so the rest of the body stays valid and the mutation is what is tested), up to three. */
const mutations = fc.oneof({ weight: 3, arbitrary: fc.tuple(mutation) }, { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/json; charset=junk',
  'application/json;;;',
  'application/json; charset="utf-8"; boundary=x',
  'application/jsonx',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'text/plain',
  'text/plain; charset=utf-8',
  'text/html',
  'multipart/form-data; boundary=----x',
  'multipart/form-data',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/*',
  '',
  ';',
  '/',
  'application',
];
const contentType = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: headerJunk(60) });

const formPairs = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom('grant_type', 'client_id', 'client_secret', 'entity_user_id', 'token', 'token_type_hint', 'scope', '__proto__', ''), fc.string({ maxLength: 12 })),
    fc.oneof(fc.constantFrom('client_credentials', 'entity_user', 'password', 'refresh_token', '', '\u0000', 'a'.repeat(5_000)), unicodeString),
  ),
  { maxLength: 8 },
);

/** Any body: valid, mutated, random JSON, random text, a form, raw bytes. */
const anyBody = (withValid: boolean): fc.Arbitrary<BodySpec> =>
  fc.oneof(
    { weight: withValid ? 2 : 0, arbitrary: fc.record({ kind: fc.constant('valid' as const), pick: fc.nat() }) },
    { weight: withValid ? 8 : 0, arbitrary: fc.record({ kind: fc.constant('mutated' as const), pick: fc.nat(), mutations }) },
    { weight: withValid ? 1 : 0, arbitrary: fc.record({ kind: fc.constant('mutated' as const), pick: fc.nat(), mutations: fc.array(mutation, { maxLength: 2 }), form: fc.constant(true) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('json' as const), value: jsonish }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.json(), contentType: fc.constant('application/json') }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('text' as const),
        text: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{', '[', '{"a":', '{"a":1,}', "{'a':1}", 'nul', '"\\u0000"', '"\\ud800"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '1e999999', '-', '{"a":1}{"b":2}', '\ufeff{}', '  ')),
        contentType: fc.option(contentType, { nil: null }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('form' as const), pairs: formPairs }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('bytes' as const),
        hex: fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('hex')),
          // JSON with invalid UTF-8 inside a string: {"first_name":"<ff fe c3 28>", "login": "<ed a0 80>"}
          fc.constant(Buffer.concat([Buffer.from('{"first_name":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('","login":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]).toString('hex')),
          fc.constant(Buffer.from('{"name":"x"}', 'utf16le').toString('hex')),
        ),
        contentType: fc.option(contentType, { nil: null }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('none' as const), contentType: fc.option(contentType, { nil: null }) }) },
  );

/** The body, with its content type replaced by a random one in a quarter of the cases. */
const withContentType = (body: fc.Arbitrary<BodySpec>) =>
  fc
    .tuple(body, fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: contentType }))
    .map(([b, ct]) => (ct === null ? b : ({ ...b, contentType: ct } as BodySpec)));

const JUNK_IDS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F%2E%2E',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%00',
  'x%00',
  '%',
  '%zz',
  '%c3%28',
  '%ff%fe',
  '%ed%a0%80',
  '%F0%9F%A6%84',
  'null',
  'undefined',
  'NaN',
  '0',
  '-1',
  '1e9',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-4000-8000-00000000000g',
  '00000000-0000-4000-8000-0000000000000',
  'urn:uuid:',
  '%27%3B%20DROP%20TABLE%20entities%3B--',
  '%7B%7D',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'me',
  'my_role',
  'settings',
  '*',
  '%2A',
  '%20',
  '+',
  ';',
  ',',
  '$',
  '@',
];

const rawId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...JUNK_IDS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(pct) },
  { weight: 2, arbitrary: fc.string({ unit: pathChar, minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 37, max: 10_000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
  { weight: 1, arbitrary: fc.tuple(fc.uuid(), fc.constantFrom('x', '%00', '%20', '/', '/..', '/activate', '/settings', '..', '%2F', '0')).map(([u, s]) => u + s) },
);

/** How a known id is spelled in a path (already percent-encoded where needed). Index 0: as is. */
const SPELLINGS: Array<(id: string) => string> = [
  (id) => id,
  (id) => id.toUpperCase(),
  (id) => `urn:uuid:${id}`,
  (id) => `URN:UUID:${id.toUpperCase()}`,
  (id) => `%7B${id}%7D`,
  (id) => id.replace(/-/g, ''),
  (id) => `${id}%20`,
  (id) => `%20${id}`,
  (id) => `${id}%00`,
  (id) => pct(id),
  (id) => id.slice(0, -1),
  (id) => `${id}0`,
  (id) => id.replace(/[0-9a-f]/, 'g'),
];

const idSpec = (weightKnown = 4): fc.Arbitrary<IdSpec> =>
  fc.oneof(
    { weight: weightKnown, arbitrary: fc.record({ kind: fc.constant('known' as const), which: fc.nat(), spelling: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat(SPELLINGS.length - 1) }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('raw' as const), text: rawId }) },
  );

const QUERY_KEYS = [
  'limit',
  'order',
  'sort',
  'pagination_token',
  'id__in',
  'id__not_in',
  'role_id',
  'role_id__in',
  'login',
  'status',
  'first_name',
  'name__istartswith',
  'name',
  'type',
  'email',
  'email__in',
  'email__not_in',
  'created_at',
  'created_at__gt',
  'created_at__lt',
  'created_at__gte',
  'created_at__lte',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'limit[]',
  'filters[limit]',
];
const QUERY_VALUES = [
  '1',
  '0',
  '-1',
  '100',
  '101',
  '1e2',
  '0x10',
  ' 7 ',
  '+5',
  '1.5',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  'asc',
  'desc',
  'ASC',
  'created_at',
  'updated_at',
  'name',
  'id',
  'id; DROP TABLE roles',
  '',
  'null',
  'true',
  '[]',
  '{}',
  'active',
  'deleted',
  'inactive',
  'organization',
  '2024-01-01',
  '2024-01-01T00:00:00',
  '2024-01-01 00:00:00+01',
  '2024-13-45T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '294277-01-01T00:00:00Z',
  'not-a-date',
  '%',
  '_',
  '\\',
  '%%',
  'x@example.com',
  '00000000-0000-0000-0000-000000000000',
];
/** Raw query text pieces, sent without further encoding (some deliberately malformed). */
const RAW_QUERY_VALUES = ['%00', 'a%00b', '%', '%zz', '%ff', '%c3%28', '%ed%a0%80', '%E2%80%AE', '%F0%9F%A6%84', '%2B', '+', '&', '=', '==', '%26%3D', 'a'.repeat(3_000)];

const queryString = (ctx: () => Ctx): fc.Arbitrary<string> => {
  const value: fc.Arbitrary<string> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...QUERY_VALUES).map(pct) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_QUERY_VALUES) },
    { weight: 2, arbitrary: unicodeString.map(pct) },
    { weight: 1, arbitrary: fc.string({ unit: pathChar, maxLength: 30 }).map((s) => s.replace(/&/g, '')) },
    { weight: 1, arbitrary: fc.constantFrom('entity', 'entity2', 'foreign', 'user', 'me', 'role').map((w) => idOf(ctx(), w)) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('a', '0', '.', '-', '_', '=')).map(([at, ch]) => pct(flip(ctx().pageToken, at, ch))) },
    { weight: 1, arbitrary: fc.constant(0).map(() => ctx().pageToken) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url') + '.' + 'A'.repeat(22)) },
    { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 4_000 }).map((n) => 'p'.repeat(n)) },
  );
  const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_KEYS).map(pct) }, { weight: 1, arbitrary: unicodeString.map(pct) });
  const pair = fc.oneof({ weight: 8, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`) }, { weight: 1, arbitrary: key }, { weight: 1, arbitrary: value });
  // At most 8,000 characters: longer request heads meet the 16 KiB header limit (limits.e2e.ts tests that).
  return fc.oneof(
    { weight: 5, arbitrary: fc.array(pair, { minLength: 1, maxLength: 2 }).map((ps) => `?${ps.join('&')}`.slice(0, 8_000)) },
    { weight: 3, arbitrary: fc.array(pair, { maxLength: 8 }).map((ps) => (ps.length ? `?${ps.join('&')}`.slice(0, 8_000) : '')) },
    { weight: 1, arbitrary: fc.string({ unit: pathChar, maxLength: 60 }).map((s) => `?${s}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '??', '?&&&', '?=', '?limit', '?limit=', '?limit=1&limit=2&limit=x', '?id__in=', '?sort=updated_at&sort=nope', '?%') },
  );
};

const authSpec = (tokenFor: 'right' | 'any'): fc.Arbitrary<AuthSpec> => {
  const once = authOnce(tokenFor);
  const some = once.filter((a) => a.kind !== 'none');
  return fc.oneof({ weight: 20, arbitrary: once }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('twice' as const), first: some, second: some }) });
};

const authOnce = (tokenFor: 'right' | 'any'): fc.Arbitrary<AuthSpec> => {
  const claims = fc.dictionary(
    fc.constantFrom('sub', 'project_id', 'entity_id', 'entity_user_id', 'grant_type', 'exp', 'iat', 'nbf', 'iss', 'aud', 'jti', 'kid'),
    jsonish,
    { maxKeys: 3 },
  );
  return fc.oneof(
    { weight: tokenFor === 'right' ? 12 : 3, arbitrary: fc.record({ kind: fc.constantFrom('partner' as const, 'user' as const) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('other' as const) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constantFrom('partner' as const, 'user' as const),
        suffix: fc.constantFrom('', '=', '==', ' ', '  x', '.', '..', '.e30', '\t', 'é'),
        scheme: fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Bearer ', 'Bearer\t', 'Basic', 'Token', 'JWT', 'Bearer,Bearer', ''),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('flipped' as const), which: fc.constantFrom('partner' as const, 'user' as const), at: fc.nat(), ch: fc.constantFrom('A', 'a', '0', '-', '_', '.', '+', '/', '=') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('forged' as const), which: fc.constantFrom('partner' as const, 'user' as const), claims }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        value: fc.oneof(
          fc.tuple(fc.constantFrom('Bearer ', 'Basic ', 'Digest ', 'Negotiate ', 'bearer  ', ''), headerJunk(120)).map(([s, j]) => s + j),
          fc.constantFrom('Bearer', 'Bearer ', 'Basic', 'Basic ', 'Basic Og==', 'Basic %%%', 'Basic ' + Buffer.from('\u0000:\u0000').toString('base64'), 'Bearer eyJhbGciOiJub25lIn0.e30.', 'Bearer a.b.c', 'Bearer ....'),
          fc.integer({ min: 1_000, max: 4_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
          fc.jsonValue({ maxDepth: 2 }).map((v) => `Basic ${Buffer.from(String(JSON.stringify(v))).toString('base64')}`),
        ),
      }),
    },
  );
};

const VERSIONS = ['2024-05-25', '2024-01-31', '2022-11-16', '2022-11-15', '2099-12-31', '1970-01-01', '2024-02-30', '2024-5-25', '20240525', '2024-05-25T00:00:00Z', ' 2024-05-25', '2024-05-25,2024-05-25', 'latest', '', '0000-00-00', '9999-99-99', '+02024-05-25'];
const versionSpec = (weightValid: number): fc.Arbitrary<VersionSpec> =>
  fc.oneof(
    { weight: weightValid, arbitrary: fc.constant({ kind: 'valid' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('raw' as const), value: fc.oneof(fc.constantFrom(...VERSIONS), headerJunk(30), fc.array(fc.constantFrom(...VERSIONS), { minLength: 2, maxLength: 3 })) }) },
  );

const entityHeaderSpec = (weightValid: number): fc.Arbitrary<EntityHeaderSpec> =>
  fc.oneof(
    { weight: weightValid, arbitrary: fc.constant({ kind: 'valid' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('id' as const), id: idSpec(3) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        value: fc.oneof(headerJunk(60), fc.integer({ min: 100, max: 3_000 }).map((n) => 'e'.repeat(n)), fc.array(fc.uuid(), { minLength: 2, maxLength: 3 })),
      }),
    },
  );

const extraHeaders = fc.array(
  fc.tuple(
    fc.constantFrom('x-request-id', 'accept', 'accept-encoding', 'accept-language', 'origin', 'x-forwarded-for', 'x-forwarded-proto', 'x-monite-entity-id', 'x-http-method-override', 'x-fuzz', 'content-language', 'if-match', 'cookie'),
    headerJunk(60),
  ),
  { maxLength: 3 },
);

// ---- building and sending a case -----------------------------------------------

function jsonSafe(v: unknown): unknown {
  try {
    const text = JSON.stringify(v);
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

function flip(token: string, at: number, ch: string): string {
  const i = at % token.length;
  const replaced = token[i] === ch ? (ch === 'A' ? 'B' : 'A') : ch;
  return token.slice(0, i) + replaced + token.slice(i + 1);
}

function idOf(c: Ctx, which: string): string {
  const ids: Record<string, string> = { entity: c.entityId, entity2: c.entity2Id, foreign: c.foreignEntityId, user: c.userId, me: c.meId, role: c.roleId };
  return ids[which];
}

/** Known ids per kind for path ids: the tracked one first. (The caller's own user is left out: deleting it would end the run's user token.) */
function knownIds(c: Ctx, kind: IdKind | undefined): string[] {
  switch (kind) {
    case 'entity':
      return [c.entityId, c.entity2Id, c.foreignEntityId, c.userId];
    case 'user':
      return [c.userId, c.userId, c.entityId, c.roleId];
    case 'role':
      return [c.roleId, c.spareRoleId, c.entityId, c.userId];
    default:
      return [c.entityId, c.entity2Id, c.foreignEntityId, c.userId, c.roleId, c.spareRoleId];
  }
}

function renderId(c: Ctx, spec: IdSpec, kind: IdKind | undefined): string {
  if (spec.kind === 'raw') return spec.text;
  const ids = knownIds(c, kind);
  return SPELLINGS[spec.spelling % SPELLINGS.length](ids[spec.which % ids.length]);
}

/** Decoded header form of a path-encoded id (the entity header is sent decoded, without control characters). */
function headerOfId(s: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    decoded = s;
  }
  return [...decoded].filter((ch) => /[\t\x20-\x7e\x80-\xff]/.test(ch)).join('');
}

function b64urlJson(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function renderAuth(c: Ctx, spec: AuthSpec): string | string[] | undefined {
  const token = (w: string) => (w === 'partner' ? c.partnerToken : w === 'user' ? c.userToken : c.otherPartnerToken);
  switch (spec.kind) {
    case 'none':
      return undefined;
    case 'partner':
    case 'user':
    case 'other':
      if (spec.scheme === undefined) return `Bearer ${token(spec.kind)}`;
      return `${spec.scheme} ${token(spec.kind)}${spec.suffix ?? ''}`.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
    case 'flipped':
      return `Bearer ${flip(token(spec.which), spec.at, spec.ch)}`;
    case 'forged': {
      const [h, p, s] = token(spec.which).split('.');
      const claims = { ...JSON.parse(Buffer.from(p, 'base64url').toString('utf8')), ...spec.claims };
      return `Bearer ${h}.${b64urlJson(claims)}.${s}`;
    }
    case 'raw':
      return spec.value;
    case 'twice':
      return [renderAuth(c, spec.first), renderAuth(c, spec.second)].flat().filter((v): v is string => v !== undefined);
  }
}

/** Walks a JSON value: every location (the root included). */
function locations(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...locations(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...locations(x, [...at, k]));
  return out;
}

/**
 * Deep values stay a marker string until serialised (JSON.stringify and the
 * walks here would overflow the stack on thousands of levels): `toJson` puts
 * the nested text in its place.
 */
function nest(depth: number, array: boolean): string {
  return `\u0001DEEP:${depth}:${array ? 1 : 0}\u0001`;
}

function nestedText(depth: number, array: boolean): string {
  return array ? `${'['.repeat(depth)}"bottom"${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
}

function toJson(v: unknown): string {
  return (JSON.stringify(v) ?? 'null').replace(/"\\u0001DEEP:(\d+):([01])\\u0001"/g, (_m, d: string, a: string) => nestedText(Number(d), a === '1'));
}

function setOwn(target: any, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies the mutations to a copy of a valid body. Returns `undefined` when the root was dropped. */
function applyMutations(body: unknown, mutations: Mutation[]): unknown {
  let root: unknown = structuredClone(body);
  for (const m of mutations) {
    const all = locations(root);
    // Unicode and huge strings replace string leaves when there are some (so the body stays otherwise valid).
    const leaves = m.op === 'unicode' || m.op === 'huge' ? all.filter((l) => typeof l.reduce<any>((o, k) => o[k], root) === 'string') : [];
    const locs = leaves.length ? leaves : all;
    const loc = locs[m.at % locs.length];
    const parentLoc = loc.slice(0, -1);
    const key = loc[loc.length - 1];
    const parent = parentLoc.reduce<any>((o, k) => o[k], root);
    const put = (value: unknown) => {
      if (loc.length === 0) root = value;
      else setOwn(parent, key, value);
    };
    switch (m.op) {
      case 'drop':
        if (loc.length === 0) root = undefined;
        else if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'set':
        put(m.value);
        break;
      case 'huge':
        put(m.ch.repeat(Math.ceil(m.size / m.ch.length)));
        break;
      case 'deep':
        put(nest(m.depth, m.array));
        break;
      case 'unicode':
        put(m.value);
        break;
      case 'extra': {
        // Into the object at (or around) the location.
        const holder = loc.reduce<any>((o, k) => o[k], root);
        const isObj = (o: unknown) => !!o && typeof o === 'object' && !Array.isArray(o);
        const obj = isObj(holder) ? holder : isObj(parent) ? parent : null;
        if (obj) setOwn(obj, m.key, m.value);
        else if (loc.length === 0) root = { [m.key]: m.value };
        break;
      }
    }
    if (root === undefined) break;
  }
  return root;
}

function formOf(body: unknown): string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return toJson(body);
  return Object.entries(body)
    .map(([k, v]) => `${pct(k)}=${pct(typeof v === 'string' && !v.startsWith('\u0001DEEP') ? v : toJson(v))}`)
    .join('&');
}

interface Built {
  request: RawRequest;
  route?: Route;
  oauthDialect: boolean;
}

function build(c: Ctx, k: Case, requestId: string): Built {
  const route = typeof k.route === 'number' ? ROUTES[k.route % ROUTES.length] : undefined;
  const method = route ? route.method : (k.route as { method: string }).method;
  let path = route ? route.path : (k.route as { path: string }).path;
  if (route?.idKind) path = path.replace(':id', renderId(c, k.id ?? { kind: 'known', which: 0, spelling: 0 }, route.idKind));
  path += k.query ?? '';

  const headers: Record<string, string | string[]> = { 'x-request-id': requestId };
  if (k.version.kind === 'valid') headers['x-monite-version'] = API_VERSION;
  else if (k.version.kind === 'raw') headers['x-monite-version'] = k.version.value;
  const auth = renderAuth(c, k.auth);
  if (auth !== undefined) headers['authorization'] = auth;
  if (k.entity.kind === 'valid') headers['x-monite-entity-id'] = c.entityId;
  else if (k.entity.kind === 'id') headers['x-monite-entity-id'] = headerOfId(renderId(c, k.entity.id, 'entity'));
  else if (k.entity.kind === 'raw') headers['x-monite-entity-id'] = k.entity.value;
  for (const [name, value] of k.extraHeaders ?? []) headers[name] = value;

  const valid = route?.valid?.(c) ?? [{}];
  let body: string | Buffer | undefined;
  let ct: string | null | undefined;
  const b = k.body;
  switch (b.kind) {
    case 'none':
      break;
    case 'valid':
      body = toJson(valid[b.pick % valid.length]);
      ct = 'application/json';
      break;
    case 'mutated': {
      const mutated = applyMutations(valid[b.pick % valid.length], b.mutations);
      if (mutated !== undefined) {
        body = b.form ? formOf(mutated) : toJson(mutated);
        ct = b.form ? 'application/x-www-form-urlencoded' : 'application/json';
      }
      break;
    }
    case 'json':
      body = toJson(b.value);
      ct = 'application/json';
      break;
    case 'text':
      body = b.text;
      break;
    case 'form':
      body = b.pairs.map(([x, y]) => `${pct(x)}=${pct(y)}`).join('&');
      ct = 'application/x-www-form-urlencoded';
      break;
    case 'bytes':
      body = Buffer.from(b.hex, 'hex');
      break;
  }
  if (b.contentType !== undefined) ct = b.contentType;
  if (ct !== null && ct !== undefined) headers['content-type'] = ct;
  if (method === 'HEAD') body = undefined;

  const bare = path.split('?', 1)[0];
  const oauthDialect =
    method === 'POST' &&
    OAUTH_PATHS.has(bare) &&
    typeof headers['content-type'] === 'string' &&
    headers['content-type'].toLowerCase().startsWith('application/x-www-form-urlencoded');
  return { request: { method, path, headers, body }, route, oauthDialect };
}

/**
 * What is wrong with the answer given what was sent, beyond its shape:
 * - two Authorization headers are refused with 400 (unless refused even earlier:
 *   a bad path 400/414, a head over the limit 431), never resolved to one of them;
 * - a form body is taken only by the token and revocation endpoints: on any other
 *   route it is never accepted (415, or refused for another reason).
 */
function requestProblem(built: Built, res: RawResponse): string | undefined {
  const h = built.request.headers;
  if (Array.isArray(h['authorization']) && h['authorization'].length > 1 && ![400, 414, 431].includes(res.status)) {
    return `two Authorization headers answered ${res.status}, not 400`;
  }
  const ct = h['content-type'];
  const bare = built.request.path.split('?', 1)[0];
  const form = typeof ct === 'string' && /^application\/x-www-form-urlencoded[ \t]*(;|$)/i.test(ct.trim());
  const oauthPath = OAUTH_PATHS.has(bare);
  if (form && !oauthPath && built.request.method !== 'GET' && built.request.method !== 'HEAD' && res.status >= 200 && res.status < 300) {
    return `a form body was accepted (${res.status}) on a JSON route`;
  }
  return undefined;
}

// ---- known bugs ------------------------------------------------------------------

/**
 * Known bugs, each excluded by a precise match of input and answer (a `known bug:`
 * comment saying what goes wrong) so the suite stays green while it waits for a
 * fix; every hit is counted and printed. None is known now: the suite runs strict.
 * The answer is WIRE_FAILURE when the connection closed without one.
 */
// The last one (OPTIONS on a path that is not percent-encoded UTF-8 answered 404 before the
// header checks) was fixed at stop 22: OPTIONS is answered 405 on every served path now, so the
// router decodes its path like any other method's (http-surface.e2e.ts holds the case).
const KNOWN_BUGS: Array<{ name: string; matches: (built: Built, res: RawResponse) => boolean }> = [];

/** Stands for "no response: the connection was closed" in KNOWN_BUGS. */
const WIRE_FAILURE: RawResponse = { status: 0, headers: {}, text: '', json: undefined, isJson: false };

// ---- the suite -------------------------------------------------------------------

describe('hostile input on every public endpoint (property-based)', () => {
  let sys: TestSystem;
  let raw: HttpClient;
  let api: Api;
  let ctx: Ctx;
  const tracked = new Map<Track, { read: () => Promise<RawResponse>; baseline: unknown }>();
  const stats = new Map<string, Map<number, number>>();
  let requestNo = 0;
  let errorLinesBefore = 0;
  const knownBugHits = new Map<string, number>();
  /** Request ids of the 5xx answers excused as known bugs. */
  const knownServerErrors = new Set<string>();
  let trackedChecks = 0;
  let baselineRefreshes = 0;
  /** Accepted (2xx) requests per DELETE route of the table: a deleted tracked record is replaced, so the route can accept again. */
  const acceptedDeletes = new Map<string, number>();

  beforeAll(async () => {
    sys = await TestSystem.start({
      // The brute-force brake would answer 429 to every token request after a few dozen refusals; lift it so cases reach the handlers.
      env: { gateway: { GATEWAY_AUTH_FAILURES_PER_CLIENT: '10000', GATEWAY_AUTH_FAILURES_PER_ADDRESS: '100000' } },
    });
    raw = new HttpClient(sys.baseUrl, { ca: sys.ca, timeoutMs: 30_000 });
    const p = await partner(sys);
    api = new Api(sys, p.token);
    const entity = await api.entity();
    const entity2 = await api.entity();
    const role = await api.role(entity.id);
    const spareRole = await api.role(entity.id);
    const user = await api.user(entity.id, { role_id: role.id });
    const admin = roleOf('fuzz-admin', {
      entity: { actions: CATALOGUE.entity, permission: 'allowed' },
      entity_user: { actions: CATALOGUE.entity_user, permission: 'allowed' },
      role: { actions: CATALOGUE.role, permission: 'allowed' },
    });
    const me = await userWithRole(sys, api, p, entity.id, admin);
    const other = await partner(sys);
    const foreign = await new Api(sys, other.token).entity();
    const spareTokens = await Promise.all([1, 2, 3, 4, 5, 6].map(() => sys.partnerToken(p)));
    const page = await api.get('/v1/entity_users?limit=1', entity.id);
    if (typeof page.json?.next_pagination_token !== 'string') throw new Error(`no pagination token: ${page.text}`);
    ctx = {
      partnerToken: p.token,
      userToken: me.token,
      otherPartnerToken: other.token,
      cred: { client_id: p.client_id, client_secret: p.client_secret },
      entityId: entity.id,
      entity2Id: entity2.id,
      foreignEntityId: foreign.id,
      userId: user.id,
      meId: me.user.id,
      roleId: role.id,
      spareRoleId: spareRole.id,
      spareTokens,
      pageToken: page.json.next_pagination_token,
    };
    // The path is taken at each read: a deleted tracked user or role is replaced (refreshBaselines).
    const read = (path: () => string, scoped = false) => () =>
      raw.sendRaw({
        method: 'GET',
        path: path(),
        headers: { authorization: `Bearer ${ctx.partnerToken}`, 'x-monite-version': API_VERSION, ...(scoped ? { 'x-monite-entity-id': ctx.entityId } : {}) },
      });
    const readers: Record<Track, () => Promise<RawResponse>> = {
      settings: read(() => '/v1/settings'),
      entity: read(() => `/v1/entities/${ctx.entityId}`),
      entitySettings: read(() => `/v1/entities/${ctx.entityId}/settings`),
      user: read(() => `/v1/entity_users/${ctx.userId}`, true),
      me: read(() => `/v1/entity_users/${ctx.meId}`, true),
      role: read(() => `/v1/roles/${ctx.roleId}`, true),
      spareRole: read(() => `/v1/roles/${ctx.spareRoleId}`, true),
    };
    for (const [name, r] of Object.entries(readers) as Array<[Track, () => Promise<RawResponse>]>) tracked.set(name, { read: r, baseline: undefined });
    await refreshBaselines();
    errorLinesBefore = sys.lines.length;
  }, 120_000);

  afterAll(async () => {
    if (stats.size) {
      const summary = [...stats].map(([name, byStatus]) => `${name}: ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
      const bugs = [...knownBugHits].map(([name, n]) => `known bug hit ${n}×: ${name}`);
      const tracking = `tracked records re-read after a refused write: ${trackedChecks}; baselines refreshed after an accepted write: ${baselineRefreshes}; accepted deletes: ${
        [...acceptedDeletes].map(([path, n]) => `${path} ${n}×`).join(', ') || 'none'
      }`;
      console.log(`hostile-input statuses (${requestNo} requests)\n${[...summary, tracking, ...bugs].join('\n')}`);
    }
    await raw?.close();
    await sys?.stop();
  });

  function entry(name: Track): { read: () => Promise<RawResponse>; baseline: unknown } {
    const t = tracked.get(name);
    if (!t) throw new Error(`${name} is not tracked`);
    return t;
  }

  async function readOk(name: Track): Promise<unknown> {
    const res = await entry(name).read();
    if (res.status !== 200) throw new Error(`re-reading the tracked ${name} answered ${res.status} ${res.text}`);
    return res.json;
  }

  async function refreshBaselines(): Promise<void> {
    for (const [name, t] of tracked) t.baseline = await readOk(name);
    const status = (name: Track) => (entry(name).baseline as { status: string }).status;
    let replaced = false;
    // A successful deactivation would make the rest of the run a test of inactive entities: undo it.
    if (status('entity') !== 'active') {
      const res = await api.post(`/v1/entities/${ctx.entityId}/activate`, undefined);
      if (res.status !== 200) throw new Error(`re-activating the tracked entity: ${res.status} ${res.text}`);
      replaced = true;
    }
    // A deleted user or role stays deleted (every later write to it is a 404): track a fresh one, as it was made.
    if (status('role') === 'deleted') {
      ctx.roleId = (await api.role(ctx.entityId)).id;
      replaced = true;
    }
    if (status('spareRole') === 'deleted') {
      ctx.spareRoleId = (await api.role(ctx.entityId)).id;
      replaced = true;
    }
    if (status('user') === 'deleted') {
      ctx.userId = (await api.user(ctx.entityId, { role_id: ctx.roleId })).id;
      replaced = true;
    }
    if (replaced) for (const [name, t] of tracked) t.baseline = await readOk(name);
  }

  function mask(s: string): string {
    return s
      .split(ctx.partnerToken)
      .join('<partner-token>')
      .split(ctx.userToken)
      .join('<user-token>')
      .split(ctx.otherPartnerToken)
      .join('<other-partner-token>')
      .split(ctx.cred.client_secret)
      .join('<client-secret>');
  }

  /**
   * The failure, for a human: the request (tokens masked), the answer, and the log lines of its request id
   * plus any error line without one written meanwhile.
   */
  async function report(built: Built, problem: string, linesAt: number, res?: RawResponse, err?: unknown): Promise<string> {
    const id = String(built.request.headers['x-request-id']);
    await sys.waitForLine((l) => l.includes(id) && l.includes('"request"'), 1_000);
    const logs = sys.lines.slice(linesAt).filter((l) => l.includes(id) || (l.includes('"level":"error"') && !l.includes('"request_id"')));
    const r = built.request;
    return mask(
      [
        problem,
        `request: ${r.method} ${visible(r.path, 600)}`,
        `headers: ${visible(JSON.stringify(r.headers), 1_200)}`,
        `body: ${visible(r.body)}`,
        res ? `response: ${res.status} ${visible(res.text, 800)}` : `no response: ${String(err)}`,
        `log lines:\n  ${logs.map((l) => l.slice(0, 1_500)).join('\n  ') || '(none)'}`,
      ].join('\n'),
    );
  }

  /**
   * Known bugs, excluded so the suite stays green: each entry matches one precise
   * kind of case and says what goes wrong. Returns the bug's name, or undefined.
   */
  function knownBug(built: Built, res: RawResponse): string | undefined {
    const bug = STRICT ? undefined : KNOWN_BUGS.find((b) => b.matches(built, res));
    if (bug) knownBugHits.set(bug.name, (knownBugHits.get(bug.name) ?? 0) + 1);
    return bug?.name;
  }

  async function exercise(property: string, k: Case): Promise<void> {
    const built = build(ctx, k, `fz-${process.pid}-${++requestNo}`);
    const linesAt = sys.lines.length;
    let res: RawResponse;
    try {
      res = await raw.sendRaw(built.request);
    } catch (err) {
      if (knownBug(built, WIRE_FAILURE)) return;
      throw new Error(await report(built, 'the request failed on the wire (connection dropped?)', linesAt, undefined, err));
    }
    const byStatus = stats.get(property) ?? new Map<number, number>();
    byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
    stats.set(property, byStatus);

    const problem = responseProblem(res, { oauth: built.oauthDialect, head: built.request.method === 'HEAD' }) ?? requestProblem(built, res);
    if (problem) {
      if (!knownBug(built, res)) throw new Error(await report(built, problem, linesAt, res));
      if (res.status >= 500) knownServerErrors.add(String(built.request.headers['x-request-id']));
    }

    const route = built.route;
    const mutating = built.request.method !== 'GET' && built.request.method !== 'HEAD';
    if (mutating && res.status >= 200 && res.status < 300) {
      if (route?.method === 'DELETE') acceptedDeletes.set(route.path, (acceptedDeletes.get(route.path) ?? 0) + 1);
      baselineRefreshes++;
      await refreshBaselines();
    } else if (route?.touches && res.status >= 400) {
      for (const name of route.touches) {
        trackedChecks++;
        const now = await readOk(name);
        const before = entry(name).baseline;
        if (JSON.stringify(now) !== JSON.stringify(before)) {
          const msg = `a refused request (${res.status}) changed the tracked ${name}:\n  before ${JSON.stringify(before)}\n  after  ${JSON.stringify(now)}`;
          entry(name).baseline = now;
          throw new Error(await report(built, msg, linesAt, res));
        }
      }
    }
  }

  const check = (property: string, arb: fc.Arbitrary<Case>, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(arb, (k) => exercise(property, k)),
      { numRuns, seed: SEED, verbose: 1 },
    );

  const routeIndex = (subset: Route[]) => fc.constantFrom(...subset.map((r) => ROUTES.indexOf(r)));

  /** Credentials that fit the route (valid header set), so the case reaches validation. */
  const rightAuth = (r: Route): fc.Arbitrary<AuthSpec> =>
    r.auth === 'public'
      ? fc.constant({ kind: 'none' as const })
      : r.auth === 'partner'
        ? fc.constant({ kind: 'partner' as const })
        : r.auth === 'user'
          ? fc.constant({ kind: 'user' as const })
          : fc.constantFrom({ kind: 'partner' as const }, { kind: 'user' as const });

  it(
    'the token, revocation and introspection endpoints: JSON and form bodies, Basic and junk credentials, any content type',
    async () => {
      const basic = fc.oneof(
        fc.tuple(fc.oneof(fc.constant(0).map(() => ctx.cred.client_id), fc.uuid(), unicodeString), fc.oneof(fc.constant(0).map(() => ctx.cred.client_secret), unicodeString)).map(
          ([id, secret]) => `Basic ${Buffer.from(`${pct(id)}:${pct(secret)}`).toString('base64')}`,
        ),
        fc.tuple(unicodeString, unicodeString).map(([id, secret]) => `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`),
        fc.constantFrom('Basic', 'Basic ', 'Basic ====', 'Basic Og==', 'Basic !!!', 'basic ' + Buffer.from('a:b').toString('base64'), 'Basic ' + Buffer.from('%zz:%zz').toString('base64')),
      );
      const arb = fc
        .record({
          route: routeIndex(OAUTH_ROUTES),
          auth: fc.oneof({ weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) }, { weight: 2, arbitrary: basic.map((value) => ({ kind: 'raw' as const, value })) }, { weight: 1, arbitrary: authSpec('any') }),
          entity: fc.oneof({ weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) }, { weight: 1, arbitrary: entityHeaderSpec(1) }),
          version: versionSpec(3),
          body: withContentType(anyBody(true)),
          query: fc.option(fc.constantFrom('?grant_type=client_credentials', '?client_secret=x', '?x=%00'), { nil: undefined, freq: 8 }),
        })
        .map((k): Case => k);
      await check('oauth', arb, RUNS.oauth);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'JSON bodies on every write route: valid, mutated (dropped field, wrong type, huge, deep, unicode, extra field), random',
    async () => {
      const arb = routeIndex(BODY_ROUTES).chain((i) => {
        const r = ROUTES[i];
        return fc.record({
          route: fc.constant(i),
          id: idSpec(12),
          auth: fc.oneof({ weight: 9, arbitrary: rightAuth(r) }, { weight: 1, arbitrary: authSpec('any') }),
          entity: r.scoped ? entityHeaderSpec(12) : fc.constant({ kind: 'none' as const }),
          version: versionSpec(20),
          body: fc.oneof({ weight: 9, arbitrary: anyBody(true) }, { weight: 1, arbitrary: withContentType(anyBody(true)) }),
        });
      });
      await check('bodies', arb, RUNS.bodies);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'path ids: junk, very long, url-encoded junk, .., %00, other spellings and other kinds of known ids',
    async () => {
      const arb = routeIndex(ID_ROUTES).chain((i) => {
        const r = ROUTES[i];
        return fc.record({
          route: fc.constant(i),
          id: idSpec(2),
          auth: rightAuth(r),
          entity: r.scoped ? entityHeaderSpec(8) : fc.constant({ kind: 'none' as const }),
          version: versionSpec(20),
          body: r.valid ? fc.record({ kind: fc.constant('valid' as const), pick: fc.nat() }) : fc.constant({ kind: 'none' as const }),
        });
      });
      await check('paths', arb, RUNS.paths);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'query strings: limit, order, sort, pagination_token and filters with junk, repeated and malformed',
    async () => {
      const arb = fc
        .oneof({ weight: 4, arbitrary: routeIndex(LIST_ROUTES) }, { weight: 1, arbitrary: fc.nat(ROUTES.length - 1) })
        .chain((i) => {
          const r = ROUTES[i];
          return fc.record({
            route: fc.constant(i),
            id: idSpec(20),
            query: queryString(() => ctx),
            auth: rightAuth(r),
            entity: r.scoped ? entityHeaderSpec(12) : fc.constant({ kind: 'none' as const }),
            version: versionSpec(20),
            body: r.valid ? fc.record({ kind: fc.constant('valid' as const), pick: fc.nat() }) : fc.constant({ kind: 'none' as const }),
          });
        });
      await check('queries', arb, RUNS.queries);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'headers: x-monite-version, x-monite-entity-id, Authorization (schemes, junk, flipped and forged tokens), Content-Type',
    async () => {
      const arb = fc.nat(ROUTES.length - 1).chain((i) => {
        const r = ROUTES[i];
        return fc.record({
          route: fc.constant(i),
          id: idSpec(20),
          auth: authSpec('right'),
          entity: entityHeaderSpec(3),
          version: versionSpec(3),
          body: r.valid
            ? fc.tuple(fc.nat(), fc.option(contentType, { nil: null })).map(([pick, ct]): BodySpec => ({ kind: 'valid', pick, contentType: ct ?? 'application/json' }))
            : fc.oneof(fc.constant({ kind: 'none' as const }), fc.record({ kind: fc.constant('none' as const), contentType: contentType })),
          extraHeaders,
        });
      });
      await check('headers', arb, RUNS.headers);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'anything at all: random method, path, query, headers and body',
    async () => {
      const segment = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('v1', 'auth', 'token', 'revoke', 'introspect', 'audit_logs', 'openapi.json', 'settings', 'entities', 'entity_users', 'roles', 'me', 'my_role', 'my_entity', 'activate', 'deactivate', 'health', 'ready', 'jwks', '.well-known', 'oauth-authorization-server') },
        { weight: 2, arbitrary: rawId },
        { weight: 1, arbitrary: fc.constantFrom('', '.', '..', '%2e', '%2F', 'V1', 'ENTITIES', '~', '*') },
        { weight: 1, arbitrary: fc.constant(0).map(() => ctx.entityId) },
      );
      const path = fc.oneof(
        fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`),
        fc.constantFrom('/', '//', '/v1', '/v1/', '/v1//entities', '/v1/entities/', '/v1/auth/token/', '/./health', '/health/../v1/settings', '/%2e%2e/%2e%2e/etc/passwd', '/v1/entities/%2F', '/*'),
      );
      const arb = fc.record({
        route: fc.oneof(
          { weight: 1, arbitrary: fc.nat(ROUTES.length - 1) },
          { weight: 2, arbitrary: fc.record({ method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'get'), path }) },
        ),
        id: idSpec(3),
        query: fc.option(queryString(() => ctx), { nil: undefined }),
        auth: authSpec('any'),
        entity: entityHeaderSpec(3),
        version: versionSpec(3),
        body: withContentType(anyBody(true)),
        extraHeaders,
      });
      await check('chaos', arb, RUNS.chaos);
    },
    PROPERTY_TIMEOUT,
  );

  it('accepts a DELETE of the tracked user, and of the spare role, again after one was accepted (the deleted record is replaced)', async () => {
    // Before a deleted user was replaced, every later DELETE of it was a 404: the accepted path ran at most once a run.
    for (const [path, which] of [['/v1/entity_users/:id', 0], ['/v1/roles/:id', 1]] as const) {
      const route = ROUTES.findIndex((r) => r.method === 'DELETE' && r.path === path);
      const before = acceptedDeletes.get(path) ?? 0;
      for (let i = 0; i < 2; i++) {
        const valid: Case = { route, id: { kind: 'known', which, spelling: 0 }, auth: { kind: 'partner' }, entity: { kind: 'valid' }, version: { kind: 'valid' }, body: { kind: 'none' } };
        await exercise('deletes of replaced records', valid);
      }
      expect({ path, accepted: (acceptedDeletes.get(path) ?? 0) - before }).toEqual({ path, accepted: 2 });
    }
  });

  it('leaves the system healthy: ready, tokens working, tracked records readable, no error lines', async () => {
    const ready = await sys.http.get('/health/ready', { version: null });
    expect(ready.status).toBe(200);
    expect((await sys.http.get('/v1/settings', { token: ctx.partnerToken })).status).toBe(200);
    expect((await sys.http.get('/v1/entity_users/me', { token: ctx.userToken })).status).toBe(200);
    for (const name of tracked.keys()) await readOk(name);
    // Every error line names its request id (the gateway's "request failed", a service's "rpc failed"),
    // and that id is one of a 5xx excused as a known bug.
    const errors = sys.lines.slice(errorLinesBefore).filter((l) => l.includes('"level":"error"') || l.includes('"level":"fatal"'));
    const unexplained = errors.filter((l) => !knownServerErrors.has(/"request_id":"([^"]+)"/.exec(l)?.[1] ?? ''));
    expect(unexplained.map((l) => l.slice(0, 600))).toEqual([]);
  });
});
