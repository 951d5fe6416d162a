import * as contracts from '@gatehouse/contracts';

export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

function looksLikeOpenApi(v: unknown): v is OpenApiDocument {
  return typeof v === 'object' && v !== null && typeof (v as OpenApiDocument).openapi === 'string' && typeof (v as OpenApiDocument).paths === 'object';
}

/**
 * The document the gateway serves as `/v1/openapi.json`, read from its one source, the
 * JSON exported by libs/contracts (the portal speaks only NATS: it does not fetch it
 * from the gateway). Until contracts export a whole document (paths included), the page
 * shows the reference's schemas (`moniteSchemas`) and says so.
 */
export function openApiDocument(): { doc: OpenApiDocument; complete: boolean } {
  const found = Object.values(contracts as Record<string, unknown>).find(looksLikeOpenApi);
  if (found) return { doc: found, complete: true };
  return {
    doc: { openapi: '3.1.0', info: { title: 'Gatehouse API (schemas)' }, paths: {}, components: contracts.moniteSchemas.components },
    complete: false,
  };
}
