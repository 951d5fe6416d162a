import { z } from 'zod';
import { moniteSchemas } from '../openapi/monite-schemas';
import {
  CreateEntityBodySchema,
  CreateEntityUserBodySchema,
  CreateRoleBodySchema,
  EntityAddressSchema,
  IndividualSchema,
  OptionalIndividualSchema,
  OptionalOrganizationSchema,
  OrganizationSchema,
  UpdateEntityAddressSchema,
  UpdateEntityBodySchema,
  UpdateEntityUserBodySchema,
  UpdateRoleBodySchema,
} from './identity.dto';

type Reference = { properties: Record<string, { type?: string; anyOf?: Array<{ type?: string }> }>; required?: string[]; additionalProperties?: boolean };
const reference = moniteSchemas.components.schemas as Record<string, Reference>;

/** The zod object under refinements. */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  return (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
}

/**
 * Identity's body schemas against the reference the gateway validates with:
 * the same fields, the same required ones, null where the reference allows it,
 * and closed where the reference is closed.
 */
describe.each([
  ['CreateEntityRequest', CreateEntityBodySchema],
  ['UpdateEntityRequest', UpdateEntityBodySchema],
  ['EntityAddressSchema', EntityAddressSchema],
  ['UpdateEntityAddressSchema', UpdateEntityAddressSchema],
  ['IndividualSchema', IndividualSchema],
  ['OptionalIndividualSchema', OptionalIndividualSchema],
  ['OrganizationSchema', OrganizationSchema],
  ['OptionalOrganizationSchema', OptionalOrganizationSchema],
  ['CreateEntityUserRequest', CreateEntityUserBodySchema],
  ['UpdateEntityUserRequest', UpdateEntityUserBodySchema],
  ['CreateRoleRequest', CreateRoleBodySchema],
  ['UpdateRoleRequest', UpdateRoleBodySchema],
])('%s', (name, schema) => {
  const ref = reference[name];
  const shape = shapeOf(schema);

  it('has the reference’s fields', () => {
    expect(Object.keys(shape).sort()).toEqual(Object.keys(ref.properties).sort());
  });

  it('requires what the reference requires, and takes null where it does', () => {
    for (const [field, prop] of Object.entries(ref.properties)) {
      const required = (ref.required ?? []).includes(field);
      expect({ field, optional: shape[field].safeParse(undefined).success }).toEqual({ field, optional: !required });
      const nullable = prop.type === 'null' || (prop.anyOf ?? []).some((a) => a.type === 'null');
      expect({ field, nullable: shape[field].safeParse(null).success }).toEqual({ field, nullable });
    }
  });

  it('is closed where the reference is closed', () => {
    const probe = z.looseObject({}).safeParse({});
    expect(probe.success).toBe(true);
    const closed = ref.additionalProperties === false;
    const withExtra = schema.safeParse({ zz_unknown: 1 });
    const extraRefused = !withExtra.success && withExtra.error.issues.some((i) => i.code === 'unrecognized_keys');
    expect(extraRefused).toBe(closed);
  });
});

describe('formats, as the gateway checks them', () => {
  const address = { country: 'DE', city: 'Berlin', postal_code: '10115', line1: 'x' };
  const entity = { type: 'individual', email: 'a@b.co', address, individual: { first_name: 'A', last_name: 'B' } };
  it.each([
    ['an email', { email: 'a.b' }],
    ['a website', { website: 'no uri' }],
    ['a date of birth', { individual: { first_name: 'A', last_name: 'B', date_of_birth: '2020-02-30' } }],
    ['a country', { address: { ...address, country: 'ZZ' } }],
    ['the individual an individual needs', { individual: null }],
  ])('refuses a bad %s', (_what, change) => {
    expect(CreateEntityBodySchema.safeParse({ ...entity, ...change }).success).toBe(false);
  });
  it('takes a good entity, and a login that keeps the login rule only', () => {
    expect(CreateEntityBodySchema.safeParse({ ...entity, website: 'https://example.com/x?y=1' }).success).toBe(true);
    expect(CreateEntityUserBodySchema.safeParse({ first_name: 'A', login: 'ada.l' }).success).toBe(true);
    expect(CreateEntityUserBodySchema.safeParse({ first_name: 'A', login: 'ada\u200b' }).success).toBe(false);
  });
});
