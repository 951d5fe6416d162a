import components from './monite-components.json';

/**
 * The reference's component schemas (JSON Schema 2020-12, as in OpenAPI 3.1),
 * addressable as `${MONITE_SCHEMAS_ID}#/components/schemas/<Name>`. See NOTICE.md.
 */
export const MONITE_SCHEMAS_ID = components.$id;
export const moniteSchemas: { $id: string; components: { schemas: Record<string, unknown> } } = components;

export function moniteRef(name: string): { $ref: string } {
  return { $ref: `${MONITE_SCHEMAS_ID}#/components/schemas/${name}` };
}
