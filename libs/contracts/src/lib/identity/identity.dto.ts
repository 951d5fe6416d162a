import { z } from 'zod';
import { moniteSchemas } from '../openapi/monite-schemas';
import { count, email, isoDate, STORABLE_JSON_MESSAGE, storableJson, text, TEXT_MAX, timestamp, uri, uuid } from '../common/schema-kit';
import { checkLogin, LOGIN_MAX_LENGTH } from './login';

/**
 * Identity records on the wire: the reference's EntityResponse,
 * EntityUserResponse and RoleResponse, plus `created_by_entity_user_id` and
 * `version` (our extensions: who created the record — null for a partner token —
 * which `allowed_for_own` depends on, and its optimistic version).
 *
 * And the request bodies identity takes, as strict as the public API's
 * (the reference's CreateEntityRequest, UpdateEntityRequest, …): what the
 * gateway refuses, identity refuses too, whoever sends it.
 */
const reference = moniteSchemas.components.schemas as Record<string, { enum?: string[] }>;
const enumOf = (name: string) => z.enum(reference[name].enum as [string, ...string[]]);

export const EntityTypeSchema = z.enum(['organization', 'individual']);
export type EntityType = z.infer<typeof EntityTypeSchema>;
export const EntityStatusSchema = z.enum(['active', 'inactive', 'deleted']);
export type EntityStatus = z.infer<typeof EntityStatusSchema>;
export const RecordStatusSchema = z.enum(['active', 'deleted']);
export type RecordStatus = z.infer<typeof RecordStatusSchema>;

/** A role's permissions: `{objects: [...]}`; each object is checked by the permission catalogue (identity, gateway). */
export const PermissionsSchema = z
  .strictObject({ objects: z.array(z.record(z.string(), z.unknown())).max(1_000) })
  .refine((p) => storableJson(p), STORABLE_JSON_MESSAGE);
export type Permissions = { objects: unknown[] };

// ---- request bodies (the reference's schemas) -------------------------------

/** EntityAddressSchema */
export const EntityAddressSchema = z.strictObject({
  country: enumOf('AllowedCountries'),
  city: text(100, 1),
  postal_code: text(10, 1),
  state: text(100, 1).nullish(),
  line1: text(200, 1),
  line2: text(100, 1).nullish(),
});
export type EntityAddress = z.infer<typeof EntityAddressSchema>;

/** UpdateEntityAddressSchema (the country does not change) */
export const UpdateEntityAddressSchema = z.strictObject({
  city: text(100, 1).nullish(),
  postal_code: text(10, 1).nullish(),
  state: text(100, 1).nullish(),
  line1: text(200, 1).nullish(),
  line2: text(100, 1).nullish(),
});

const individualFields = {
  date_of_birth: isoDate.nullish(),
  id_number: text(100, 1).nullish(),
  ssn_last_4: text(4, 4).nullish(),
  title: text(10, 1).nullish(),
};
/** IndividualSchema */
export const IndividualSchema = z.strictObject({ ...individualFields, first_name: text(100, 1), last_name: text(100, 1) });
/** OptionalIndividualSchema */
export const OptionalIndividualSchema = z.strictObject({ ...individualFields, first_name: text(100, 1).nullish(), last_name: text(100, 1).nullish() });

const organizationFields = {
  business_structure: enumOf('EntityBusinessStructure').nullish(),
  directors_provided: z.boolean().nullish(),
  executives_provided: z.boolean().nullish(),
  legal_entity_id: text(20, 1).nullish(),
  owners_provided: z.boolean().nullish(),
  representative_provided: z.boolean().nullish(),
};
/** OrganizationSchema: the reference leaves it open (other keys are stored as given). */
export const OrganizationSchema = z
  .looseObject({ ...organizationFields, legal_name: text(255, 1) })
  .refine((o) => storableJson(o), STORABLE_JSON_MESSAGE);
/** OptionalOrganizationSchema */
export const OptionalOrganizationSchema = z.strictObject({ ...organizationFields, legal_name: text(255, 1).nullish() });

const entityScalars = {
  phone: text(100).nullish(),
  registration_authority: text(100, 1).nullish(),
  registration_number: text(100, 1).nullish(),
  tax_id: text(30, 1).nullish(),
  website: uri(2083).nullish(),
};

/** CreateEntityRequest, and the rule the reference states in words: an organization needs `organization`, an individual `individual`. */
export const CreateEntityBodySchema = z
  .strictObject({
    ...entityScalars,
    type: EntityTypeSchema,
    email,
    address: EntityAddressSchema,
    individual: IndividualSchema.nullish(),
    organization: OrganizationSchema.nullish(),
  })
  .superRefine((body, ctx) => {
    if (body[body.type] === undefined || body[body.type] === null) ctx.addIssue({ code: 'custom', path: [body.type], message: 'Field required' });
  });
export type CreateEntityBody = z.infer<typeof CreateEntityBodySchema>;

/** UpdateEntityRequest */
export const UpdateEntityBodySchema = z.strictObject({
  ...entityScalars,
  email: email.nullish(),
  address: UpdateEntityAddressSchema.nullish(),
  individual: OptionalIndividualSchema.nullish(),
  organization: OptionalOrganizationSchema.nullish(),
});
export type UpdateEntityBody = z.infer<typeof UpdateEntityBodySchema>;

/** Our extension: the one entity setting, the role of the entity's users who have none (null clears it). */
export const EntitySettingsBodySchema = z.strictObject({ default_role_id: uuid.nullish() });
export type EntitySettingsBody = z.infer<typeof EntitySettingsBodySchema>;

/** A login as the API takes it: the login rule (checkLogin) within the reference's 255 characters. */
const login = z
  .string()
  .max(LOGIN_MAX_LENGTH)
  .superRefine((value, ctx) => {
    const checked = checkLogin(value);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.msg });
  });

const entityUserScalars = {
  email: email.nullish(),
  last_name: text(255).nullish(),
  phone: text(TEXT_MAX).nullish(),
  role_id: uuid.nullish(),
  title: text(255).nullish(),
};

/** CreateEntityUserRequest and the login rule. */
export const CreateEntityUserBodySchema = z.strictObject({ ...entityUserScalars, first_name: text(255), login });
export type CreateEntityUserBody = z.infer<typeof CreateEntityUserBodySchema>;

/** UpdateEntityUserRequest and the login rule (PATCH /me sends its UpdateMeEntityUserRequest, a part of it). */
export const UpdateEntityUserBodySchema = z.strictObject({ ...entityUserScalars, first_name: text(255).nullish(), login: login.nullish() });
export type UpdateEntityUserBody = z.infer<typeof UpdateEntityUserBodySchema>;

/** CreateRoleRequest */
export const CreateRoleBodySchema = z.strictObject({ name: text(255, 1), permissions: PermissionsSchema });
export type CreateRoleBody = z.infer<typeof CreateRoleBodySchema>;

/** UpdateRoleRequest */
export const UpdateRoleBodySchema = z.strictObject({ name: text(255, 1).nullish(), permissions: PermissionsSchema.nullish() });
export type UpdateRoleBody = z.infer<typeof UpdateRoleBodySchema>;

// ---- records (replies) ------------------------------------------------------

const recordMeta = {
  created_at: timestamp,
  updated_at: timestamp,
  created_by_entity_user_id: z.string().nullable(),
  version: count,
};

export const EntityViewSchema = z.object({
  id: z.string(),
  type: EntityTypeSchema,
  status: EntityStatusSchema,
  email: z.string().nullable(),
  phone: z.string().nullable(),
  website: z.string().nullable(),
  tax_id: z.string().nullable(),
  registration_number: z.string().nullish(),
  registration_authority: z.string().nullish(),
  address: z.object({
    country: z.string(),
    city: z.string(),
    postal_code: z.string(),
    state: z.string().nullish(),
    line1: z.string(),
    line2: z.string().nullish(),
  }),
  organization: z.record(z.string(), z.unknown()).optional(),
  individual: z.record(z.string(), z.unknown()).optional(),
  logo: z.null(),
  ...recordMeta,
});
export type EntityView = z.infer<typeof EntityViewSchema>;

export const EntitySettingsViewSchema = z.looseObject({
  /** Role of the entity's users who have none (our extension). */
  default_role_id: z.string().nullable(),
  version: count,
});
export type EntitySettingsView = z.infer<typeof EntitySettingsViewSchema>;

export const EntityUserViewSchema = z.object({
  id: z.string(),
  login: z.string(),
  first_name: z.string(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
  /** The reference requires a role id; a user without one answers with the effective role's id when there is one, else null. */
  role_id: z.string().nullable(),
  status: RecordStatusSchema,
  ...recordMeta,
});
export type EntityUserView = z.infer<typeof EntityUserViewSchema>;

export const RoleViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.object({ objects: z.array(z.unknown()) }),
  status: RecordStatusSchema,
  ...recordMeta,
});
export type RoleView = z.infer<typeof RoleViewSchema>;

/** The answer to a delete. */
export const DeletedResponseSchema = z.object({ deleted: z.literal(true) });

/** The body of every identity change event. */
export const IdentityEventSchema = z.object({
  /** The outbox sequence number (monotonic). */
  event_id: count,
  project_id: z.string(),
  entity_id: z.string(),
  record_id: z.string(),
  /** The record's version after the change. */
  version: count,
  occurred_at: timestamp,
  record: z.unknown(),
});
export interface IdentityEvent<T> extends Omit<z.infer<typeof IdentityEventSchema>, 'record'> {
  record: T;
}
