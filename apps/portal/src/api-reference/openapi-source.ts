import { buildOpenApiDocument } from '@gatehouse/contracts';

export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; parameters?: Record<string, unknown> };
}

/**
 * The document the gateway serves as `/v1/openapi.json`, from its one source,
 * libs/contracts' `buildOpenApiDocument` (the portal speaks only NATS: it does not
 * fetch it from the gateway), with the public API's URL as its server.
 */
export function openApiDocument(apiUrl?: string): OpenApiDocument {
  return buildOpenApiDocument(apiUrl ? { serverUrl: apiUrl } : {}) as OpenApiDocument;
}
