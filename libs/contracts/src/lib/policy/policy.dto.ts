import { z } from 'zod';
import { EscalationCeilingSchema } from '../identity/access.dto';

/**
 * The questions policy answers. They sit on the hot path of every entity-user
 * request, so their schemas are plain shapes (no transforms, no refinements):
 * policy puts ids in lower case itself.
 */
const id = z.string().min(1).max(100);

/** The caller, from a verified access token. Entity-user tokens: the user and its entity. */
export const PolicyPrincipalSchema = z
  .strictObject({ kind: z.enum(['partner', 'entity_user']), project_id: id, entity_user_id: id.optional(), entity_id: id.optional() })
  .refine((p) => p.kind === 'partner' || (p.entity_id !== undefined && p.entity_user_id !== undefined), {
    message: 'An entity_user principal needs entity_id and entity_user_id',
  });
export type PolicyPrincipal = z.infer<typeof PolicyPrincipalSchema>;

/**
 * policy.v1.check: may this principal do `action` on `object_type` in this entity?
 * `entity_id`: the entity the request targets, null for project-level operations;
 * `resource_created_by`: created_by_entity_user_id of the target resource, when the caller knows it;
 * `partner_only`: operations only a partner token may perform (the /entities collection, settings);
 * `with_ceiling`: an entity user's write to users or roles: answer the escalation ceiling with an allowed decision.
 */
export const CheckRequestSchema = z.strictObject({
  principal: PolicyPrincipalSchema,
  entity_id: id.nullish(),
  object_type: z.string().max(100),
  action: z.string().max(100),
  resource_created_by: z.string().max(100).nullish(),
  partner_only: z.boolean().nullish(),
  with_ceiling: z.boolean().nullish(),
});
export type CheckRequest = z.infer<typeof CheckRequestSchema>;

/**
 * `scope` `own`: allowed only on records this user created (lists filtered to them).
 * `reason`: the rule that decided (partner_root, role:<id>:allowed, entity_default_role:…, user_inactive, …).
 * `ceiling`: with `with_ceiling`, for an allowed entity user, what the caller holds (identity's escalation guard).
 */
export const CheckResponseSchema = z.object({
  allowed: z.boolean(),
  scope: z.enum(['all', 'own']).nullable(),
  reason: z.string(),
  ceiling: EscalationCeilingSchema.optional(),
});
export type CheckResponse = z.infer<typeof CheckResponseSchema>;

/** policy.v1.check_batch: many questions in one message (a UI page asks for dozens; the service caps how many). */
export const CheckBatchRequestSchema = z.strictObject({ checks: z.array(CheckRequestSchema).max(10_000) });
export type CheckBatchRequest = z.infer<typeof CheckBatchRequestSchema>;

export const CheckBatchResponseSchema = z.object({ results: z.array(CheckResponseSchema) });
export type CheckBatchResponse = z.infer<typeof CheckBatchResponseSchema>;

/** policy.v1.effective_role: the role that decides for an entity user, and where it comes from. */
export const EffectiveRoleRequestSchema = z.strictObject({ principal: PolicyPrincipalSchema });
export type EffectiveRoleRequest = z.infer<typeof EffectiveRoleRequestSchema>;

/** `active`: the user and entity are active (otherwise nothing is allowed). */
export const EffectiveRoleResponseSchema = z.object({
  source: z.enum(['role', 'entity_default', 'project_default', 'none']),
  role_id: z.string().nullable(),
  name: z.string().nullable(),
  permissions: z.object({ objects: z.array(z.unknown()) }),
  active: z.boolean(),
});
export type EffectiveRoleResponse = z.infer<typeof EffectiveRoleResponseSchema>;
