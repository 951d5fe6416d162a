import { ENTITY_LIST, ENTITY_USER_LIST, ROLE_LIST } from '../identity/list-query';
import { moniteSchemas } from './monite-schemas';
import { buildOpenApiDocument, GATEHOUSE_EXTENSION, OPENAPI_DOCUMENT_PATH } from './openapi-document';

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument({ serverUrl: 'https://api.example.com/' });

  /** Every `$ref` anywhere in a value. */
  function refs(value: unknown, out: string[] = []): string[] {
    if (Array.isArray(value)) value.forEach((v) => refs(v, out));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === '$ref' && typeof v === 'string') out.push(v);
        else refs(v, out);
      }
    }
    return out;
  }

  it('resolves every $ref inside the document itself', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(100);
    for (const ref of all) {
      expect(ref.startsWith('#/')).toBe(true);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });

  it('carries the reference schemas unchanged, and marks every schema of its own', () => {
    const reference = moniteSchemas.components.schemas;
    for (const [name, schema] of Object.entries(reference)) expect(doc.components.schemas[name]).toEqual(schema);
    const own = Object.keys(doc.components.schemas).filter((n) => !(n in reference));
    expect(own).toEqual(expect.arrayContaining(['OAuthError', 'IntrospectionResponse', 'AuditLogsResponse']));
    for (const name of own) expect((doc.components.schemas[name] as Record<string, unknown>)[GATEHOUSE_EXTENSION]).toBe(true);
    // Built from a copy: changing the document cannot change the schemas the gateway validates with.
    expect(doc.components.schemas['GrantType']).not.toBe(reference['GrantType']);
  });

  it('lists each list endpoint\'s query parameters from the spec the gateway validates with', () => {
    const names = (path: string) => (doc.paths[path].get?.['parameters'] as Array<{ in?: string; name?: string }>).filter((p) => p.in === 'query').map((p) => p.name);
    const page = ['order', 'limit', 'pagination_token', 'sort'];
    expect(names('/v1/entities')).toEqual([...page, ...Object.keys(ENTITY_LIST.filters)]);
    expect(names('/v1/entity_users')).toEqual([...page, ...Object.keys(ENTITY_USER_LIST.filters)]);
    expect(names('/v1/roles')).toEqual([...page, ...Object.keys(ROLE_LIST.filters)]);
    const idIn = (doc.paths['/v1/entities'].get?.['parameters'] as Array<Record<string, unknown>>).find((p) => p['name'] === 'id__in');
    expect(idIn).toEqual({ name: 'id__in', in: 'query', schema: { type: 'array', items: { type: 'string', format: 'uuid' } }, style: 'form', explode: true });
  });

  it('is public where the gateway needs no token, and names the server without a trailing slash', () => {
    expect(doc.servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(buildOpenApiDocument().servers).toBeUndefined();
    expect(doc.paths[OPENAPI_DOCUMENT_PATH].get?.['security']).toEqual([]);
    expect(doc.paths['/v1/auth/token'].post?.['security']).toEqual([{}, { clientSecretBasic: [] }]);
    expect(doc.paths['/v1/roles'].get?.['security']).toBeUndefined();
    expect(doc.security).toEqual([{ bearerAuth: [] }, { clientCredentials: [] }]);
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op?.['operationId']));
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
