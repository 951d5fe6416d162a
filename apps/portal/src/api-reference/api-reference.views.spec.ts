import { apiReferencePage } from './api-reference.views';
import { openApiDocument } from './openapi-source';

describe('the API reference page', () => {
  const doc = {
    openapi: '3.1.0',
    info: { title: 'Gatehouse API', version: '2024-05-25' },
    paths: {
      '/v1/roles/{role_id}': {
        get: {
          summary: 'Get a <role>',
          parameters: [{ $ref: '#/components/parameters/XMoniteVersion' }, { name: 'role_id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The role' }, '404': { description: 'Not found' } },
        },
      },
      '/v1/auth/token': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ObtainTokenPayload' } } } }, responses: { '200': { description: 'A token' } } } },
    },
    components: { schemas: { ObtainTokenPayload: {} }, parameters: { XMoniteVersion: { name: 'x-monite-version', in: 'header', required: true, schema: { type: 'string' } } } },
  };

  it('lists every operation with its parameters (references resolved), body and answers, every text escaped', () => {
    const page = apiReferencePage(undefined, doc, 'https://api.example.com');
    expect(page).toContain('<span class="method">GET</span> <code>/v1/roles/{role_id}</code> Get a &lt;role&gt;');
    expect(page).toContain('<code>x-monite-version</code></td><td>header</td><td>yes</td>');
    expect(page).toContain('<code>role_id</code></td><td>path</td>');
    expect(page).toContain('<code>application/json</code> (ObtainTokenPayload)');
    expect(page).toContain('<span class="badge">404</span> Not found');
    expect(page).toContain('https://api.example.com/v1/openapi.json');
    expect(page).not.toContain('<role>');
  });

  it('renders the document the gateway serves: every operation of it', () => {
    const d = openApiDocument('https://api.example.com');
    const page = apiReferencePage(undefined, d, 'https://api.example.com');
    const paths = Object.keys(d.paths ?? {});
    expect(paths).toContain('/v1/auth/introspect');
    for (const path of paths) expect(page).toContain(`${path}</code>`);
  });
});
