import { z } from 'zod';
import { email, text, timestamp } from '../common/schema-kit';
import { ProjectViewSchema } from './admin.dto';
import { SettingsPatchSchema } from './settings.dto';
import { CLIENT_CREDENTIAL_MAX, TokenIssueResponseSchema } from './token.dto';

/**
 * The Partner Portal's subjects (`auth.v1.portal.*`): partners' members, their
 * sessions, and what a member may do to their partner's projects. The portal is a
 * thin front: every request (but login and the invite ones) carries the member's
 * raw session token, and auth resolves session → member → partner → role on each.
 *
 * Errors: `unauthenticated` (no, expired, ended or half-signed-in session; a wrong
 * email or password), `forbidden` (the member's role may not), `not_found` (a
 * project, pair, member or invite this partner does not have: another partner's
 * project answers exactly as a missing one), `invalid_request` (bad input, with
 * details), `conflict` (the last owner removed, an email taken, a stale change).
 */

/** A member's role in their partner: viewer reads; developer also changes projects, settings, pairs and keys; owner also manages members. */
export const MEMBER_ROLES = ['owner', 'developer', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const MemberRoleSchema = z.enum(MEMBER_ROLES);

/** A new password: 12 to 256 characters (argon2id takes any length; the bound keeps hashing cheap to refuse). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
export const NewPasswordSchema = text(PASSWORD_MAX).min(PASSWORD_MIN, `A password of ${PASSWORD_MIN} to ${PASSWORD_MAX} characters is required`);
/** A password presented at login: any non-empty text up to the bound (the policy is not revealed at login). */
const presentedPassword = text(PASSWORD_MAX).min(1, 'A password is required');

/** A member's email: an email address, at most 254 characters (stored lower-cased). */
export const MemberEmailSchema = email.max(254);
/** A session or invite token as presented (a real one is 43 base64url characters; anything else is refused by auth). */
const secretToken = text(200).min(1);
/** Ids as presented: free text, bounded (a malformed one is `not_found`, decided by auth). */
const id = text(200);
/** A TOTP code (6 digits) or a recovery code, as typed (spaces and dashes ignored). */
const code = text(64).min(1, 'A code is required');

export const SESSION_TOKEN_FIELD = 'session_token';
const session = { session_token: secretToken };

/** What the portal saw of the browser, recorded with the session (optional, bounded). */
const clientInfo = { client_address: text(100).nullish(), user_agent: text(1_000).nullish() };

// ---- sessions ---------------------------------------------------------------

/** auth.v1.portal.login */
export const PortalLoginRequestSchema = z.strictObject({ email: text(320), password: presentedPassword, ...clientInfo });
export type PortalLoginRequest = z.infer<typeof PortalLoginRequestSchema>;

/** A new session. `totp_required`: the session is half signed in (`pending_totp`) and only `totp.verify` accepts it. */
export const PortalSessionIssuedSchema = z.object({ session_token: z.string(), expires_at: timestamp, totp_required: z.boolean() });
export type PortalSessionIssued = z.infer<typeof PortalSessionIssuedSchema>;

/** auth.v1.portal.totp.verify: a TOTP code or a recovery code; the answer is a NEW session token (the old one ends). */
export const PortalTotpVerifyRequestSchema = z.strictObject({ ...session, code });
export type PortalTotpVerifyRequest = z.infer<typeof PortalTotpVerifyRequestSchema>;

/** Only a session token (session.get, logout, logout_all, totp.enroll, members.list, projects.list…). */
export const PortalSessionRequestSchema = z.strictObject({ ...session });
export type PortalSessionRequest = z.infer<typeof PortalSessionRequestSchema>;

export const PortalMemberViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: MemberRoleSchema,
  totp_enabled: z.boolean(),
  created_at: timestamp,
});
export type PortalMemberView = z.infer<typeof PortalMemberViewSchema>;

export const PortalPartnerViewSchema = z.object({ id: z.string(), name: z.string() });
export type PortalPartnerView = z.infer<typeof PortalPartnerViewSchema>;

/** auth.v1.portal.session.get (touches the session: its idle expiry starts again). */
export const PortalSessionViewSchema = z.object({ member: PortalMemberViewSchema, partner: PortalPartnerViewSchema, expires_at: timestamp });
export type PortalSessionView = z.infer<typeof PortalSessionViewSchema>;

/** auth.v1.portal.logout / logout_all: how many sessions ended (0 when it had already). */
export const PortalLogoutResponseSchema = z.object({ sessions_ended: z.number().int().nonnegative() });
export type PortalLogoutResponse = z.infer<typeof PortalLogoutResponseSchema>;

// ---- TOTP (RFC 6238) ---------------------------------------------------------

/** auth.v1.portal.totp.enroll: a fresh secret, not active until confirmed. The portal draws the QR code of `otpauth_url`. */
export const PortalTotpEnrollResponseSchema = z.object({ secret_base32: z.string(), otpauth_url: z.string() });
export type PortalTotpEnrollResponse = z.infer<typeof PortalTotpEnrollResponseSchema>;

/** auth.v1.portal.totp.confirm / totp.disable: a current code of the authenticator. */
export const PortalTotpCodeRequestSchema = z.strictObject({ ...session, code });
export type PortalTotpCodeRequest = z.infer<typeof PortalTotpCodeRequestSchema>;

export const RECOVERY_CODE_COUNT = 10;
/** TOTP is on; the recovery codes are shown this once (each works once, instead of a TOTP code). */
export const PortalTotpConfirmResponseSchema = z.object({ recovery_codes: z.array(z.string()).length(RECOVERY_CODE_COUNT) });
export type PortalTotpConfirmResponse = z.infer<typeof PortalTotpConfirmResponseSchema>;

export const PortalTotpDisableResponseSchema = z.object({ totp_enabled: z.literal(false) });
export type PortalTotpDisableResponse = z.infer<typeof PortalTotpDisableResponseSchema>;

// ---- members and invites (owner) ---------------------------------------------

export const PortalInviteViewSchema = z.object({
  id: z.string(),
  role: MemberRoleSchema,
  created_at: timestamp,
  created_by: z.string().nullable(),
  expires_at: timestamp,
});
export type PortalInviteView = z.infer<typeof PortalInviteViewSchema>;

/** auth.v1.portal.members.list: the partner's members (removed ones not listed) and open invites. */
export const PortalMembersListResponseSchema = z.object({ members: z.array(PortalMemberViewSchema), invites: z.array(PortalInviteViewSchema) });
export type PortalMembersListResponse = z.infer<typeof PortalMembersListResponseSchema>;

/** auth.v1.portal.members.invite (owner): a one-time link's token, shown to the inviter once. */
export const PortalMembersInviteRequestSchema = z.strictObject({ ...session, role: MemberRoleSchema });
export type PortalMembersInviteRequest = z.infer<typeof PortalMembersInviteRequestSchema>;

export const PortalInviteCreatedSchema = z.object({ invite_id: z.string(), invite_token: z.string(), role: MemberRoleSchema, expires_at: timestamp });
export type PortalInviteCreated = z.infer<typeof PortalInviteCreatedSchema>;

/** auth.v1.portal.members.remove (owner): the member's sessions end at once; the last owner cannot be removed (`conflict`). */
export const PortalMembersRemoveRequestSchema = z.strictObject({ ...session, member_id: id });
export type PortalMembersRemoveRequest = z.infer<typeof PortalMembersRemoveRequestSchema>;

export const PortalMemberRemovedSchema = z.object({ member_id: z.string(), removed_at: timestamp, sessions_ended: z.number().int().nonnegative() });
export type PortalMemberRemoved = z.infer<typeof PortalMemberRemovedSchema>;

/** auth.v1.portal.invite.get: what an open invite is for (`not_found` when unknown, used, revoked or expired). */
export const PortalInviteGetRequestSchema = z.strictObject({ invite_token: secretToken });
export type PortalInviteGetRequest = z.infer<typeof PortalInviteGetRequestSchema>;

export const PortalInviteInfoSchema = z.object({ partner_name: z.string(), role: MemberRoleSchema, expires_at: timestamp });
export type PortalInviteInfo = z.infer<typeof PortalInviteInfoSchema>;

/** auth.v1.portal.invite.accept: the invite is used once; the new member is signed in (a PortalSessionIssued). */
export const PortalInviteAcceptRequestSchema = z.strictObject({ invite_token: secretToken, email: MemberEmailSchema, password: NewPasswordSchema, ...clientInfo });
export type PortalInviteAcceptRequest = z.infer<typeof PortalInviteAcceptRequestSchema>;

// ---- projects ------------------------------------------------------------------

const projectName = text(200).trim().min(1, 'A project name of 1 to 200 characters is required');

export const PortalProjectViewSchema = ProjectViewSchema.extend({ archived_at: timestamp.nullable() });
export type PortalProjectView = z.infer<typeof PortalProjectViewSchema>;

/** auth.v1.portal.projects.list: the partner's projects, archived ones only when asked. */
export const PortalProjectsListRequestSchema = z.strictObject({ ...session, include_archived: z.boolean().optional() });
export type PortalProjectsListRequest = z.infer<typeof PortalProjectsListRequestSchema>;

export const PortalProjectsListResponseSchema = z.object({ projects: z.array(PortalProjectViewSchema) });
export type PortalProjectsListResponse = z.infer<typeof PortalProjectsListResponseSchema>;

export const PortalProjectCreateRequestSchema = z.strictObject({ ...session, name: projectName });
export type PortalProjectCreateRequest = z.infer<typeof PortalProjectCreateRequestSchema>;

export const PortalProjectRenameRequestSchema = z.strictObject({ ...session, project_id: id, name: projectName });
export type PortalProjectRenameRequest = z.infer<typeof PortalProjectRenameRequestSchema>;

/** A project of the member's partner (projects.archive, settings.get, credentials.list, keys.list, keys.rotate, access.check). */
export const PortalProjectRequestSchema = z.strictObject({ ...session, project_id: id });
export type PortalProjectRequest = z.infer<typeof PortalProjectRequestSchema>;

/** auth.v1.portal.settings.update: validated as PATCH /v1/settings validates its body (auth applies the same checks). */
export const PortalSettingsUpdateRequestSchema = z.strictObject({ ...session, project_id: id, settings: SettingsPatchSchema });
export type PortalSettingsUpdateRequest = z.infer<typeof PortalSettingsUpdateRequestSchema>;

// ---- credentials -----------------------------------------------------------------

const credentialName = text(200).trim().min(1, 'A name of 1 to 200 characters is required');

export const PortalCredentialViewSchema = z.object({
  client_id: z.string(),
  project_id: z.string(),
  name: z.string().nullable(),
  created_at: timestamp,
  /** The member's email, or `cli`. */
  created_by: z.string().nullable(),
  /** Updated at most once a minute. */
  last_used_at: timestamp.nullable(),
  /** Set by a roll: the pair is refused after it. */
  expires_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
});
export type PortalCredentialView = z.infer<typeof PortalCredentialViewSchema>;

export const PortalCredentialsListResponseSchema = z.object({ credentials: z.array(PortalCredentialViewSchema) });
export type PortalCredentialsListResponse = z.infer<typeof PortalCredentialsListResponseSchema>;

export const PortalCredentialsCreateRequestSchema = z.strictObject({ ...session, project_id: id, name: credentialName });
export type PortalCredentialsCreateRequest = z.infer<typeof PortalCredentialsCreateRequestSchema>;

/** The only portal answer that carries a client secret: shown once. */
export const PortalCredentialCreatedSchema = PortalCredentialViewSchema.extend({ client_secret: z.string() });
export type PortalCredentialCreated = z.infer<typeof PortalCredentialCreatedSchema>;

/** A roll's old pair may live at most this long after the roll. */
export const ROLL_OVERLAP_MAX_DAYS = 30;

/**
 * auth.v1.portal.credentials.roll: a new pair (same name) that works at once, and
 * the old pair's expiry set to `old_expires_at` (an ISO date-time from now to
 * 30 days ahead; now: the old pair stops at once).
 */
export const PortalCredentialsRollRequestSchema = z.strictObject({ ...session, project_id: id, client_id: id, old_expires_at: z.iso.datetime({ offset: true }) });
export type PortalCredentialsRollRequest = z.infer<typeof PortalCredentialsRollRequestSchema>;

export const PortalCredentialRolledSchema = PortalCredentialCreatedSchema.extend({ previous: PortalCredentialViewSchema });
export type PortalCredentialRolled = z.infer<typeof PortalCredentialRolledSchema>;

/** auth.v1.portal.credentials.revoke: at once (every token of the pair ends). */
export const PortalCredentialsRevokeRequestSchema = z.strictObject({ ...session, project_id: id, client_id: id });
export type PortalCredentialsRevokeRequest = z.infer<typeof PortalCredentialsRevokeRequestSchema>;

// ---- signing keys -------------------------------------------------------------------

/** The deployment's signing keys (every project's tokens are signed by the active one). */
export const PortalKeyViewSchema = z.object({ kid: z.string(), created_at: timestamp, state: z.enum(['active', 'retired']) });
export type PortalKeyView = z.infer<typeof PortalKeyViewSchema>;

export const PortalKeysListResponseSchema = z.object({ keys: z.array(PortalKeyViewSchema) });
export type PortalKeysListResponse = z.infer<typeof PortalKeysListResponseSchema>;

// ---- "Try it": a partner token minted from the portal -----------------------------------

/**
 * auth.v1.portal.token.try: the member (developer or owner: minting is not a read)
 * tries a pair of the project with its secret, pasted for this one request (auth
 * keeps nothing of it, and never logs it). auth checks the session, member, partner,
 * project and role, then that the client id is a pair of this project (`not_found`
 * otherwise), then mints exactly as the token endpoint does (client_credentials).
 */
export const PortalTokenTryRequestSchema = z.strictObject({ ...session, project_id: id, client_id: id, client_secret: text(CLIENT_CREDENTIAL_MAX) });
export type PortalTokenTryRequest = z.infer<typeof PortalTokenTryRequestSchema>;

/**
 * What the token endpoint would have answered: the token (`issued`), or its refusal
 * (`refused`: the code and message auth gave the gateway, e.g. `invalid_client` for a
 * wrong secret). Refusals of the member themselves (session, role, project, pair of
 * another project) are errors of the subject, not a `refused` outcome.
 */
export const PortalTokenTryResultSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('issued'), token: TokenIssueResponseSchema }),
  z.object({ outcome: z.literal('refused'), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type PortalTokenTryResult = z.infer<typeof PortalTokenTryResultSchema>;

// ---- access ---------------------------------------------------------------------------

/** auth.v1.portal.access.check: the member may read this project (before the portal asks identity or audit for it). */
export const PortalAccessSchema = z.object({ partner_id: z.string(), project_id: z.string(), member_id: z.string(), email: z.string(), role: MemberRoleSchema });
export type PortalAccess = z.infer<typeof PortalAccessSchema>;

// ---- operator (CLI, npm start) --------------------------------------------------------

export const PartnerCreateRequestSchema = z.strictObject({ name: text(200).trim().min(1, 'A partner name of 1 to 200 characters is required') });
export type PartnerCreateRequest = z.infer<typeof PartnerCreateRequestSchema>;

export const PartnerViewSchema = z.object({ partner_id: z.string(), name: z.string(), created_at: timestamp });
export type PartnerView = z.infer<typeof PartnerViewSchema>;

export const PartnerListResponseSchema = z.object({ partners: z.array(PartnerViewSchema) });
export type PartnerListResponse = z.infer<typeof PartnerListResponseSchema>;

/** auth.v1.admin.members.create: without a password, auth makes a random one and answers it once. */
export const MemberCreateRequestSchema = z.strictObject({ partner_id: id, email: MemberEmailSchema, role: MemberRoleSchema, password: NewPasswordSchema.optional() });
export type MemberCreateRequest = z.infer<typeof MemberCreateRequestSchema>;

export const MemberCreatedSchema = z.object({
  member_id: z.string(),
  partner_id: z.string(),
  email: z.string(),
  role: MemberRoleSchema,
  created_at: timestamp,
  /** Only when auth made it: shown once. */
  password: z.string().optional(),
});
export type MemberCreated = z.infer<typeof MemberCreatedSchema>;

/** auth.v1.admin.project.assign: a project (made before partners existed, or by the CLI) given to a partner. */
export const ProjectAssignRequestSchema = z.strictObject({ project_id: id, partner_id: id });
export type ProjectAssignRequest = z.infer<typeof ProjectAssignRequestSchema>;
