import * as contracts from '@gatehouse/contracts';

export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; parameters?: Record<string, unknown> };
}

function looksLikeOpenApi(v: unknown): v is OpenApiDocument {
  return typeof v === 'object' && v !== null && typeof (v as OpenApiDocument).openapi === 'string' && typeof (v as OpenApiDocument).paths === 'object';
}

/**
 * The document the gateway serves as `/v1/openapi.json`, read from its one source, the
 * document built by libs/contracts (`buildOpenApiDocument`, when this build has it; the
 * portal speaks only NATS: it does not fetch it from the gateway). Until contracts export a whole document (paths included), the page
 * shows the reference's schemas (`moniteSchemas`) and says so.
 */
export function openApiDocument(apiUrl?: string): { doc: OpenApiDocument; complete: boolean } {
  // The gateway's document is built by libs/contracts' `buildOpenApiDocument` (the one the gateway serves).
  const build = (contracts as Record<string, unknown>).buildOpenApiDocument;
  if (typeof build === 'function') {
    const built: unknown = build(apiUrl ? { serverUrl: apiUrl } : {});
    if (looksLikeOpenApi(built)) return { doc: built, complete: true };
  }
  const found = Object.values(contracts as Record<string, unknown>).find(looksLikeOpenApi);
  if (found) return { doc: found, complete: true };
  return {
    doc: { openapi: '3.1.0', info: { title: 'Gatehouse API (schemas)' }, paths: {}, components: contracts.moniteSchemas.components },
    complete: false,
  };
}
