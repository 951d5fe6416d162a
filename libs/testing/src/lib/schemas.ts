import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MONITE_SCHEMAS_ID, moniteSchemas } from '@gatehouse/contracts';

// ajv's discriminator support refuses `mapping`; oneOf alone checks the same shapes.
const ajv = new Ajv2020({ allErrors: true, strict: false, discriminator: false });
addFormats(ajv);
ajv.addFormat('color', true);
ajv.addSchema(moniteSchemas);

/**
 * Where Gatehouse answers differently from the reference on purpose (docs/IDENTITY.md,
 * "Our extensions"): a user without a role of its own has `role_id: null` (the reference
 * types it as a required uuid, but Gatehouse lets a user fall back to the
 * entity's or the project's default role).
 */
const userWithoutRole = (b: any) => (b && b.role_id === null ? { ...b, role_id: '00000000-0000-4000-8000-000000000000' } : b);
const DEVIATIONS: Record<string, (body: any) => any> = {
  EntityUserResponse: userWithoutRole,
  EntityUserPaginationResponse: (p) => ({ ...p, data: (p?.data ?? []).map(userWithoutRole) }),
};

/** Asserts a response body against one of the reference's schemas, with readable errors. */
export function expectSchema(body: unknown, name: string): void {
  const validate = ajv.getSchema(`${MONITE_SCHEMAS_ID}#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  const subject = DEVIATIONS[name] ? DEVIATIONS[name](body) : body;
  if (!validate(subject)) {
    throw new Error(`response does not match ${name}:\n${JSON.stringify(validate.errors, null, 2)}\nbody: ${JSON.stringify(body)}`);
  }
}

/** A page of a list: the pagination envelope, each item against its schema. */
export function expectPage(body: any, itemSchema: string, pageSchema: string): void {
  expectSchema(body, pageSchema);
  for (const item of body.data) expectSchema(item, itemSchema);
}
