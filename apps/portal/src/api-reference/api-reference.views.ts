import { html, Html } from '../http/html';
import { layout, PageSession } from '../http/layout';
import type { OpenApiDocument } from './openapi-source';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

function refName(schema: unknown): string {
  const ref = (schema as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref === 'string') return ref.split('/').pop() ?? ref;
  const type = (schema as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : 'object';
}

/** A parameter as written, or the one its `$ref` names in the document's components. */
function resolveParameter(doc: OpenApiDocument, p: Record<string, unknown>): Record<string, unknown> {
  const ref = p.$ref;
  if (typeof ref !== 'string') return p;
  const found = doc.components?.parameters?.[ref.split('/').pop() ?? ''];
  return found && typeof found === 'object' ? (found as Record<string, unknown>) : p;
}

function operation(doc: OpenApiDocument, path: string, method: string, op: Record<string, unknown>): Html {
  const params = Array.isArray(op.parameters) ? (op.parameters as Array<Record<string, unknown>>).map((p) => resolveParameter(doc, p)) : [];
  const body = (op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
  const responses = (op.responses ?? {}) as Record<string, { description?: string }>;
  return html`<details class="op"><summary><span class="method">${method.toUpperCase()}</span> <code>${path}</code> ${typeof op.summary === 'string' ? op.summary : ''}</summary>
${typeof op.description === 'string' ? html`<p>${op.description}</p>` : ''}
${
  params.length
    ? html`<div class="table-wrap"><table><caption class="muted">Parameters</caption><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Required</th><th scope="col">Type</th></tr></thead><tbody>${params.map(
        (p) => html`<tr><td><code>${String(p.name ?? refName(p))}</code></td><td>${String(p.in ?? '')}</td><td>${p.required ? 'yes' : 'no'}</td><td>${refName(p.schema)}</td></tr>`,
      )}</tbody></table></div>`
    : ''
}
${body ? html`<p>Body: ${Object.entries(body).map(([type, c]) => html`<code>${type}</code> (${refName(c.schema)}) `)}</p>` : ''}
<p>Answers: ${Object.entries(responses).map(([status, r]) => html`<span class="badge">${status}</span> ${r?.description ?? ''} `)}</p>
</details>`;
}

export function apiReferencePage(s: PageSession | undefined, doc: OpenApiDocument, apiUrl: string): string {
  const paths = Object.entries(doc.paths ?? {});
  const schemas = Object.keys(doc.components?.schemas ?? {});
  return layout({
    title: 'API reference',
    session: s,
    nav: 'api',
    body: html`<h1>${doc.info?.title ?? 'API reference'}${doc.info?.version ? html` <span class="badge">${doc.info.version}</span>` : ''}</h1>
<p>The gateway serves this document at <a href="${`${apiUrl}/v1/openapi.json`}"><code>${apiUrl}/v1/openapi.json</code></a>.</p>
${paths.map(([path, item]) =>
      METHODS.filter((m) => item && typeof item[m] === 'object').map((m) => operation(doc, path, m, item[m] as Record<string, unknown>)),
    )}
<h2>Schemas</h2>
<p class="muted">${schemas.length} schemas.</p>
<ul>${schemas.map((n) => html`<li><code>${n}</code></li>`)}</ul>`,
  });
}
