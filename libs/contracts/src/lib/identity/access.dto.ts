import { z } from 'zod';
import { uuid } from '../common/schema-kit';
import { PAGINATION_TOKEN_MAX_LENGTH } from './list.dto';

/** Permissions as policy answers them (a role's, already normalised). */
const HeldPermissionsSchema = z.strictObject({ objects: z.array(z.unknown()) });

/** The escalation guard's input: the caller's effective permissions, and the project's default role. */
export const EscalationCeilingSchema = z.strictObject({
  /** The caller's effective role's permissions (`{objects: []}` when no role applies). */
  permissions: HeldPermissionsSchema,
  /**
   * The project's default role's permissions, or null when there is none: the role
   * of a user who has no role and whose entity has no default (auth owns it, so it
   * travels here for identity to resolve a user's effective role).
   */
  project_default: HeldPermissionsSchema.nullable(),
});
export type EscalationCeiling = z.infer<typeof EscalationCeilingSchema>;

/**
 * Who asks, and how far the answer may reach: sent with every identity request.
 * The gateway fills it from the verified token and the policy service's
 * decision; identity enforces it. `scope: 'own'` limits reads, updates and
 * deletes to records the caller created, and filters lists to them.
 * `entity_id`: the entity the request is about (x-monite-entity-id, or the
 * token's entity); `actor_entity_user_id`: the entity user behind the token,
 * null for a partner token. `ceiling`: for an entity user's writes to users and
 * roles, what the caller holds, from the policy decision that allowed the
 * write; identity refuses, inside the write's transaction, a write that would
 * give or touch more (no privilege escalation), and refuses such a write from
 * an entity user that comes without it.
 */
export const AccessContextSchema = z.strictObject({
  project_id: uuid,
  entity_id: uuid.nullable(),
  actor_entity_user_id: uuid.nullable(),
  scope: z.enum(['all', 'own']),
  ceiling: EscalationCeilingSchema.optional(),
});
export type AccessContext = z.infer<typeof AccessContextSchema>;

export const ScopedRequestSchema = z.strictObject({ access: AccessContextSchema });
export type ScopedRequest = z.infer<typeof ScopedRequestSchema>;

export const ByIdRequestSchema = z.strictObject({ access: AccessContextSchema, id: uuid });
export type ByIdRequest = z.infer<typeof ByIdRequestSchema>;

export function createRequestSchema<T extends z.ZodType>(body: T) {
  return z.strictObject({ access: AccessContextSchema, body });
}
export interface CreateRequest<T> extends ScopedRequest {
  body: T;
}

export function updateRequestSchema<T extends z.ZodType>(body: T) {
  return z.strictObject({ access: AccessContextSchema, id: uuid, body });
}
export interface UpdateRequest<T> extends ByIdRequest {
  body: T;
}

export const LIST_LIMIT_MAX = 100;

/** List queries as the API takes them (already validated by the gateway: sort among the list's fields). */
export function listRequestSchema<F extends z.ZodType>(filters: F, sortFields: readonly [string, ...string[]]) {
  return z.strictObject({
    access: AccessContextSchema,
    limit: z.number().int().min(1).max(LIST_LIMIT_MAX),
    order: z.enum(['asc', 'desc']),
    sort: z.enum(sortFields).nullable(),
    pagination_token: z.string().max(PAGINATION_TOKEN_MAX_LENGTH).nullable(),
    filters,
  });
}
export interface ListRequest<F = Record<string, unknown>> extends ScopedRequest {
  limit: number;
  order: 'asc' | 'desc';
  sort: string | null;
  pagination_token: string | null;
  filters: F;
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_pagination_token: z.string().nullable(), prev_pagination_token: z.string().nullable() });
}
export interface Page<T> {
  data: T[];
  next_pagination_token: string | null;
  prev_pagination_token: string | null;
}
