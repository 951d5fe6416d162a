import { z } from 'zod';
import { epochSeconds, text, timestamp } from '../common/schema-kit';

/** Ids of auth's requests: free text (an unknown or malformed id is `not_found`/`null`, decided by auth), bounded. */
const id = text(200);

/**
 * When a revocation broadcast was sent (milliseconds since the epoch): a gateway
 * measures its revocation lag from it (metrics). Absent from the revocation list.
 */
export const revokedAtMs = z.number().int().nonnegative().optional();

export const ProjectCreateRequestSchema = z.strictObject({
  name: text(200).trim().min(1, 'A project name of 1 to 200 characters is required'),
  /** The partner the project belongs to (its members see it in the portal); none: unassigned until `project.assign`. */
  partner_id: id.optional(),
});
export type ProjectCreateRequest = z.infer<typeof ProjectCreateRequestSchema>;

export const ProjectViewSchema = z.object({ project_id: z.string(), name: z.string(), created_at: timestamp, partner_id: z.string().nullable().optional() });
export type ProjectView = z.infer<typeof ProjectViewSchema>;

export const ProjectListResponseSchema = z.object({ projects: z.array(ProjectViewSchema) });
export type ProjectListResponse = z.infer<typeof ProjectListResponseSchema>;

export const CredentialsCreateRequestSchema = z.strictObject({ project_id: id, name: text(200).trim().min(1).optional() });
export type CredentialsCreateRequest = z.infer<typeof CredentialsCreateRequestSchema>;

/** The only message that ever carries a client secret in clear: shown once. */
export const CredentialsCreatedResponseSchema = z.object({
  project_id: z.string(),
  client_id: z.string(),
  client_secret: z.string(),
  created_at: timestamp,
});
export type CredentialsCreatedResponse = z.infer<typeof CredentialsCreatedResponseSchema>;

export const CredentialsListRequestSchema = z.strictObject({ project_id: id });
export type CredentialsListRequest = z.infer<typeof CredentialsListRequestSchema>;

export const CredentialViewSchema = z.object({
  client_id: z.string(),
  project_id: z.string(),
  created_at: timestamp,
  revoked_at: timestamp.nullable(),
  name: z.string().nullable().optional(),
  /** A member's email, or `cli`. */
  created_by: z.string().nullable().optional(),
  /** Set by a roll: the pair is refused after it. */
  expires_at: timestamp.nullable().optional(),
  /** Updated at most once a minute. */
  last_used_at: timestamp.nullable().optional(),
});
export type CredentialView = z.infer<typeof CredentialViewSchema>;

export const CredentialsListResponseSchema = z.object({ credentials: z.array(CredentialViewSchema) });
export type CredentialsListResponse = z.infer<typeof CredentialsListResponseSchema>;

export const CredentialsRevokeRequestSchema = z.strictObject({ client_id: id });
export type CredentialsRevokeRequest = z.infer<typeof CredentialsRevokeRequestSchema>;

/**
 * auth.v1.events.credentials.revoked: the pair can mint no more, and every token
 * minted with it is refused from now on (gateways), until `until`
 * (seconds since the epoch after which no token of this pair can still be live).
 */
export const CredentialsRevokedEventSchema = z.object({ client_id: z.string(), until: epochSeconds, revoked_at_ms: revokedAtMs });
export type CredentialsRevokedEvent = z.infer<typeof CredentialsRevokedEventSchema>;

/** auth.v1.events.credentials.updated: the pair's cached copies are stale (its expiry was set by a roll). */
export const CredentialsUpdatedEventSchema = z.object({ client_id: z.string() });
export type CredentialsUpdatedEvent = z.infer<typeof CredentialsUpdatedEventSchema>;

/** auth.v1.admin.project.revoke_tokens */
export const ProjectRevokeTokensRequestSchema = z.strictObject({ project_id: id });
export type ProjectRevokeTokensRequest = z.infer<typeof ProjectRevokeTokensRequestSchema>;

/**
 * auth.v1.events.project.tokens_revoked, and the answer to revoke_tokens: every
 * token of the project issued before `not_before` (its `iat` is smaller) is refused
 * (seconds since the epoch; `until`: after it no such token can still be live).
 */
export const ProjectTokensRevokedEventSchema = z.object({ project_id: z.string(), not_before: epochSeconds, until: epochSeconds, revoked_at_ms: revokedAtMs });
export type ProjectTokensRevokedEvent = z.infer<typeof ProjectTokensRevokedEventSchema>;

/** auth.v1.client.get */
export const ClientGetRequestSchema = z.strictObject({ client_id: id });
export type ClientGetRequest = z.infer<typeof ClientGetRequestSchema>;

/** The project of a client id (revoked pairs included: a pair never changes project); null when unknown. */
export const ClientGetResponseSchema = z.object({ project_id: z.string().nullable() });
export type ClientGetResponse = z.infer<typeof ClientGetResponseSchema>;

export const KeysRotateResponseSchema = z.object({ kid: z.string(), created_at: timestamp });
export type KeysRotateResponse = z.infer<typeof KeysRotateResponseSchema>;

export const KeysRotatedEventSchema = z.object({ kid: z.string() });
export type KeysRotatedEvent = z.infer<typeof KeysRotatedEventSchema>;

/** Subjects whose request carries nothing (`auth.v1.jwks.get`, `auth.v1.admin.project.list`, …): any payload is ignored, none is required. */
export const NoRequestSchema = z.union([z.strictObject({}), z.null(), z.undefined()]);
export type NoRequest = z.infer<typeof NoRequestSchema>;
