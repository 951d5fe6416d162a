import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { GATEHOUSE_EXTENSION, moniteSchemas } from '@gatehouse/contracts';
import { Api, ORG, partner, Partner, ROLE } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/**
 * The operations Gatehouse shares with the Monite Partner API reference, and the
 * reference's success answer for each (its status and its component schema), written
 * from the reference's own paths, not from our document. The document must answer
 * each with exactly that schema (GET /v1/settings: the reference's, extended).
 */
const REFERENCE: Record<string, { status: string; schema: string }> = {
  'post /v1/auth/token': { status: '200', schema: 'AccessTokenResponse' },
  'post /v1/auth/revoke': { status: '200', schema: 'MessageResponse' },
  'post /v1/entities': { status: '201', schema: 'EntityResponse' },
  'get /v1/entities': { status: '200', schema: 'EntityPaginationResponse' },
  'get /v1/entities/{entity_id}': { status: '200', schema: 'EntityResponse' },
  'patch /v1/entities/{entity_id}': { status: '200', schema: 'EntityResponse' },
  'post /v1/entities/{entity_id}/activate': { status: '200', schema: 'EntityResponse' },
  'post /v1/entities/{entity_id}/deactivate': { status: '200', schema: 'EntityResponse' },
  'post /v1/entity_users': { status: '200', schema: 'EntityUserResponse' },
  'get /v1/entity_users': { status: '200', schema: 'EntityUserPaginationResponse' },
  'get /v1/entity_users/{entity_user_id}': { status: '200', schema: 'EntityUserResponse' },
  'patch /v1/entity_users/{entity_user_id}': { status: '200', schema: 'EntityUserResponse' },
  'get /v1/entity_users/me': { status: '200', schema: 'EntityUserResponse' },
  'patch /v1/entity_users/me': { status: '200', schema: 'EntityUserResponse' },
  'get /v1/entity_users/my_entity': { status: '200', schema: 'EntityResponse' },
  'patch /v1/entity_users/my_entity': { status: '200', schema: 'EntityResponse' },
  'post /v1/roles': { status: '200', schema: 'RoleResponse' },
  'get /v1/roles': { status: '200', schema: 'RolePaginationResponse' },
  'get /v1/roles/{role_id}': { status: '200', schema: 'RoleResponse' },
  'patch /v1/roles/{role_id}': { status: '200', schema: 'RoleResponse' },
  'get /v1/settings': { status: '200', schema: 'PartnerProjectSettingsPayload-Output' },
  'patch /v1/settings': { status: '200', schema: 'PartnerProjectSettingsPayload-Output' },
};
/** The reference's operations that answer 204 without a body. */
const REFERENCE_NO_CONTENT = ['delete /v1/entity_users/{entity_user_id}', 'delete /v1/roles/{role_id}'];
/** The reference's request bodies for the same operations. */
const REFERENCE_BODIES: Record<string, string> = {
  'post /v1/auth/token': 'ObtainTokenPayload',
  'post /v1/auth/revoke': 'RevokeTokenPayload',
  'post /v1/entities': 'CreateEntityRequest',
  'patch /v1/entities/{entity_id}': 'UpdateEntityRequest',
  'post /v1/entity_users': 'CreateEntityUserRequest',
  'patch /v1/entity_users/{entity_user_id}': 'UpdateEntityUserRequest',
  'patch /v1/entity_users/me': 'UpdateMeEntityUserRequest',
  'patch /v1/entity_users/my_entity': 'UpdateEntityRequest',
  'post /v1/roles': 'CreateRoleRequest',
  'patch /v1/roles/{role_id}': 'UpdateRoleRequest',
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const refName = (schema: any): string | undefined => /^#\/components\/schemas\/(.+)$/.exec(schema?.$ref ?? '')?.[1];

describe('GET /v1/openapi.json', () => {
  let sys: TestSystem;
  let doc: any;
  let etag: string;

  beforeAll(async () => {
    // At debug, the gateway logs its route table once at start.
    sys = await TestSystem.start({ env: { gateway: { LOG_LEVEL: 'debug' } } });
    const res = await sys.http.get('/v1/openapi.json', { version: null });
    expect(res.status).toBe(200);
    doc = res.json;
    etag = String(res.headers['etag']);
  });
  afterAll(() => sys?.stop());

  /** Every operation of the document as `method path`. */
  const operations = (): string[] =>
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => METHODS.includes(k))
        .map((m) => `${m} ${path}`),
    );

  it('is public and cacheable JSON: no token, no x-monite-version; a matching ETag answers 304', async () => {
    const res = await sys.http.get('/v1/openapi.json', { version: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await sys.http.get('/v1/openapi.json', { version: null, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    // A stale tag gets the document.
    expect((await sys.http.get('/v1/openapi.json', { version: null, headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
    // Another method on it is a 405, as on every known path.
    const post = await sys.http.post('/v1/openapi.json', { json: {} });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toMatch(/GET/);
  });

  it('is a valid OpenAPI 3.x document (the official schema, every $ref resolved)', async () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    // swagger-parser dereferences in place: give it a copy.
    const api: any = await SwaggerParser.validate(structuredClone(doc));
    expect(api.info.title).toBe('Gatehouse API');
    // The gateway's issuer: where clients reach it.
    expect(doc.servers).toEqual([{ url: expect.stringMatching(/^https:\/\/[^/]+$/) }]);
  });

  it('describes exactly the routes the gateway serves (its route table, logged at start at debug)', async () => {
    const line = await sys.waitForLine((l) => l.includes('"msg":"routes"') && l.includes('"service":"gateway"'));
    expect(line).toBeDefined();
    const routes: string[] = JSON.parse(line as string).routes;
    expect(routes.length).toBeGreaterThan(20);
    // Fastify answers HEAD for every GET (and only those): the document says so once, in its description.
    const heads = routes.filter((r) => r.startsWith('HEAD ')).map((r) => r.slice(5)).sort();
    const gets = routes.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4)).sort();
    expect(heads).toEqual(gets);
    expect(doc.info.description).toMatch(/Every GET also answers HEAD/);
    const served = routes
      .filter((r) => !r.startsWith('HEAD '))
      .map((r) => {
        const [method, url] = r.split(' ');
        return `${method.toLowerCase()} ${url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
      })
      .sort();
    expect(operations().sort()).toEqual(served);
  });

  it('declares the headers, security and error shapes of each operation', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.clientCredentials.flows.clientCredentials.tokenUrl).toBe('/v1/auth/token');
    const param = (p: any) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p);
    for (const op of operations()) {
      const [method, path] = op.split(' ');
      const o = doc.paths[path][method];
      const params = (o.parameters ?? []).map(param);
      const version = params.find((p: any) => p.name === 'x-monite-version');
      const isPublic = Array.isArray(o.security) && (o.security.length === 0 || o.security.some((s: object) => Object.keys(s).length === 0));
      if (!isPublic) {
        // Behind a bearer token: the version header is required, and the Monite error shapes are declared.
        expect({ op, required: version?.required }).toEqual({ op, required: true });
        expect({ op, e401: refName(resolved(o.responses['401'])?.content?.['application/json']?.schema) }).toEqual({ op, e401: 'ErrorSchemaResponse' });
        expect({ op, e422: refName(resolved(o.responses['422'])?.content?.['application/json']?.schema) }).toEqual({ op, e422: 'HTTPValidationError' });
      }
      for (const p of params.filter((x: any) => x.in === 'path')) expect(path).toContain(`{${p.name}}`);
      for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) {
        expect({ op, name, declared: params.some((p: any) => p.in === 'path' && p.name === name) }).toEqual({ op, name, declared: true });
      }
    }
    // Entity-scoped operations take x-monite-entity-id.
    const entityScoped = doc.paths['/v1/roles'].get.parameters.map(param);
    expect(entityScoped.find((p: any) => p.name === 'x-monite-entity-id')).toMatchObject({ in: 'header', schema: { format: 'uuid' } });
    // The OAuth endpoints in both dialects: JSON (Monite) and form (RFC 6749), Basic or body credentials.
    for (const path of ['/v1/auth/token', '/v1/auth/revoke', '/v1/auth/introspect']) {
      const o = doc.paths[path].post;
      expect(Object.keys(o.requestBody.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
      expect(o.security).toEqual([{}, { clientSecretBasic: [] }]);
      const e400 = resolved(o.responses['400']).content['application/json'].schema;
      expect(e400.oneOf.map(refName).sort()).toEqual(['ErrorSchemaResponse', 'OAuthError']);
    }
  });

  function resolved(x: any): any {
    return x?.$ref ? doc.components.responses[x.$ref.split('/').pop()] : x;
  }

  it('answers the reference\'s operations with the reference\'s schemas, and marks everything else as an extension', () => {
    const schemas = doc.components.schemas;
    const reference = moniteSchemas.components.schemas;
    // Every reference schema is carried as it is.
    for (const [name, schema] of Object.entries(reference)) expect({ name, schema: schemas[name] }).toEqual({ name, schema });
    // Every schema of ours says so.
    for (const name of Object.keys(schemas).filter((n) => !(n in reference))) {
      expect({ name, extension: schemas[name][GATEHOUSE_EXTENSION] }).toEqual({ name, extension: true });
    }
    for (const [op, want] of Object.entries(REFERENCE)) {
      const [method, path] = op.split(' ');
      const o = doc.paths[path]?.[method];
      expect({ op, present: o !== undefined, extension: o?.[GATEHOUSE_EXTENSION] }).toEqual({ op, present: true, extension: undefined });
      const schema = o.responses[want.status]?.content?.['application/json']?.schema;
      const name = refName(schema);
      // The reference's schema itself, or (settings) ours built on it with allOf.
      const names = name && name in reference ? [name] : (schemas[name as string]?.allOf ?? []).map(refName);
      expect({ op, schemas: names }).toEqual({ op, schemas: expect.arrayContaining([want.schema]) });
      if (REFERENCE_BODIES[op]) expect({ op, body: refName(o.requestBody.content['application/json'].schema) }).toEqual({ op, body: REFERENCE_BODIES[op] });
    }
    for (const op of REFERENCE_NO_CONTENT) {
      const [method, path] = op.split(' ');
      const o = doc.paths[path]?.[method];
      expect({ op, extension: o?.[GATEHOUSE_EXTENSION], content: o?.responses['204']?.content, has204: o?.responses['204'] !== undefined }).toEqual({
        op,
        extension: undefined,
        content: undefined,
        has204: true,
      });
    }
    for (const op of operations().filter((o) => !(o in REFERENCE) && !REFERENCE_NO_CONTENT.includes(o))) {
      const [method, path] = op.split(' ');
      expect({ op, extension: doc.paths[path][method][GATEHOUSE_EXTENSION] }).toEqual({ op, extension: true });
    }
    expect(doc.paths['/v1/audit_logs'].get[GATEHOUSE_EXTENSION]).toBe(true);
    expect(doc.paths['/v1/auth/introspect'].post[GATEHOUSE_EXTENSION]).toBe(true);
  });

  describe('what the gateway really answers matches the document', () => {
    let p: Partner;
    let api: Api;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addFormat('color', true);

    beforeAll(async () => {
      p = await partner(sys);
      api = new Api(sys, p.token);
      ajv.addSchema({ $id: 'https://gatehouse.test/openapi.json', components: doc.components });
    });

    /** The answer's body against the document's schema for that operation and status; a success's declared headers are all there. */
    function expectDocumented(op: string, status: number, body: unknown, headers: Record<string, unknown> = {}): void {
      const [method, path] = op.split(' ');
      const response = resolved(doc.paths[path][method].responses[String(status)]);
      if (status < 300) {
        const declared = Object.keys(response?.headers ?? {}).map((h) => h.toLowerCase());
        expect({ op, missing: declared.filter((h) => headers[h] === undefined) }).toEqual({ op, missing: [] });
      }
      const schema = response?.content?.['application/json']?.schema;
      expect({ op, status, documented: schema !== undefined }).toEqual({ op, status, documented: true });
      // One schema, or (the OAuth endpoints' errors) one of the two dialects'.
      const validators = (schema.oneOf ?? [schema]).map((s: any) => {
        const validate = ajv.getSchema(`https://gatehouse.test/openapi.json#/components/schemas/${refName(s)}`);
        if (!validate) throw new Error(`no schema ${refName(s)}`);
        return validate;
      });
      const ok = validators.some((validate: (b: unknown) => boolean) => validate(body));
      expect({ op, status, errors: ok ? null : validators.map((v: any) => v.errors) }).toEqual({ op, status, errors: null });
    }

    it('tokens, settings, entities, roles, users, audit logs and the error shapes', async () => {
      const minted = await sys.http.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: p.client_id, client_secret: p.client_secret } });
      expectDocumented('post /v1/auth/token', minted.status, minted.json, minted.headers);
      const introspected = await sys.http.post('/v1/auth/introspect', { json: { token: minted.json.access_token, client_id: p.client_id, client_secret: p.client_secret } });
      expectDocumented('post /v1/auth/introspect', introspected.status, introspected.json, introspected.headers);
      const refused = await sys.http.post('/v1/auth/token', { form: { grant_type: 'client_credentials', client_id: p.client_id, client_secret: 'wrong' } });
      expect(refused.status).toBe(401);
      expectDocumented('post /v1/auth/token', 401, refused.json);
      const revoked = await sys.http.post('/v1/auth/revoke', { json: { token: minted.json.access_token, client_id: p.client_id, client_secret: p.client_secret } });
      expectDocumented('post /v1/auth/revoke', revoked.status, revoked.json, revoked.headers);

      const settings = await api.get('/v1/settings');
      expectDocumented('get /v1/settings', settings.status, settings.json, settings.headers);
      const entity = await api.createEntity(ORG());
      expectDocumented('post /v1/entities', entity.status, entity.json, entity.headers);
      const entities = await api.get('/v1/entities');
      expectDocumented('get /v1/entities', entities.status, entities.json, entities.headers);
      const entitySettings = await api.get(`/v1/entities/${entity.json.id}/settings`);
      expectDocumented('get /v1/entities/{entity_id}/settings', entitySettings.status, entitySettings.json, entitySettings.headers);
      const role = await api.post('/v1/roles', ROLE(), entity.json.id);
      expectDocumented('post /v1/roles', role.status, role.json, role.headers);
      const user = await api.post('/v1/entity_users', { login: 'openapi-user', first_name: 'Casey', role_id: role.json.id }, entity.json.id);
      expectDocumented('post /v1/entity_users', user.status, user.json, user.headers);
      const logs = await api.get('/v1/audit_logs');
      expectDocumented('get /v1/audit_logs', logs.status, logs.json, logs.headers);

      const jwks = await sys.http.get('/v1/auth/jwks', { version: null });
      expectDocumented('get /v1/auth/jwks', jwks.status, jwks.json, jwks.headers);
      const metadata = await sys.http.get('/.well-known/oauth-authorization-server', { version: null });
      expectDocumented('get /.well-known/oauth-authorization-server', metadata.status, metadata.json, metadata.headers);

      // Errors: 401 without a token, 422 for a bad body, 404 for a missing record.
      const noToken = await sys.http.get('/v1/roles', { headers: { 'x-monite-entity-id': entity.json.id } });
      expectDocumented('get /v1/roles', noToken.status, noToken.json);
      const invalid = await api.post('/v1/entities', { type: 'spaceship' });
      expect(invalid.status).toBe(422);
      expectDocumented('post /v1/entities', 422, invalid.json);
      const missing = await api.get('/v1/entities/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expectDocumented('get /v1/entities/{entity_id}', 404, missing.json);
    });
  });
});
