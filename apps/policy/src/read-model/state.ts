import type {
  PolicyEntityState,
  PolicyRoleState,
  PolicyStateRequest,
  PolicyStateResponse,
  PolicyUserState,
  ProjectSettings,
} from '@gatehouse/contracts';
import { compilePermissions, CompiledPermissions, RolePermissionsPayload } from '@gatehouse/permissions';

/**
 * Where the read model gets what it does not hold: identity (entity, user,
 * roles) and auth (project settings). Implemented over NATS in production
 * (NatsStateSource); the unit tests use an in-memory one.
 */
export interface StateSource {
  /** identity.v1.policy_state.get. Rejects when identity cannot answer. */
  policyState(req: PolicyStateRequest, requestId?: string): Promise<PolicyStateResponse>;
  /** auth.v1.settings.get; null when auth knows no such project. Rejects when auth cannot answer. */
  projectSettings(projectId: string, requestId?: string): Promise<ProjectSettings | null>;
}

/** A role as cached: the stored state plus its permissions compiled once. */
export interface RoleEntry {
  readonly state: PolicyRoleState;
  readonly compiled: CompiledPermissions;
}

/** The project's default role (project settings `default_role`), compiled once. */
export interface ProjectDefaultRole {
  readonly name: string | null;
  readonly permissions: { objects: unknown[] };
  readonly compiled: CompiledPermissions;
}

/**
 * What the decision for one entity user needs: their entity and themselves
 * (null when not found in that project / entity), and the roles that may apply
 * (their own role and the entity's default role), by id.
 */
export interface SubjectState {
  readonly entity: PolicyEntityState | null;
  readonly user: PolicyUserState | null;
  readonly roles: ReadonlyMap<string, RoleEntry>;
}

const NO_PERMISSIONS = compilePermissions({ objects: [] });

/**
 * Compiles stored permissions. They were validated when written; should they be
 * malformed anyway, the role grants nothing (fail closed) rather than throwing.
 */
export function compileSafely(permissions: unknown): CompiledPermissions {
  try {
    return compilePermissions((permissions ?? { objects: [] }) as RolePermissionsPayload);
  } catch {
    return NO_PERMISSIONS;
  }
}

/** Compiles a role's permissions once; expects normalized ids. */
export function toRoleEntry(state: PolicyRoleState): RoleEntry {
  return { state, compiled: compileSafely(state.permissions) };
}

/**
 * identity's answer with every id in lower case (ids are keys here) and the
 * optional parts defaulted. Throws on an answer that is not an object.
 */
export function normalizeState(res: PolicyStateResponse): PolicyStateResponse {
  if (typeof res !== 'object' || res === null) throw new Error('malformed policy state');
  const e = res.entity;
  const u = res.user;
  return {
    entity: e ? { ...e, id: lower(e.id), project_id: lower(e.project_id), default_role_id: lower(e.default_role_id ?? null) } : null,
    user: u ? { ...u, id: lower(u.id), entity_id: lower(u.entity_id), role_id: lower(u.role_id ?? null) } : null,
    roles: (Array.isArray(res.roles) ? res.roles : []).map((r) => ({ ...r, id: lower(r.id), entity_id: lower(r.entity_id) })),
  };
}

/**
 * The project default role out of project settings:
 * `default_role: {name?, permissions: {objects}} | null`. Anything else counts as none.
 */
export function projectDefaultRoleOf(settings: ProjectSettings | null): ProjectDefaultRole | null {
  const dr = settings?.default_role as { name?: unknown; permissions?: { objects?: unknown } } | null | undefined;
  if (typeof dr !== 'object' || dr === null) return null;
  const permissions = dr.permissions;
  if (typeof permissions !== 'object' || permissions === null || !Array.isArray(permissions.objects)) return null;
  const wire = { objects: permissions.objects as unknown[] };
  return { name: typeof dr.name === 'string' ? dr.name : null, permissions: wire, compiled: compileSafely(wire) };
}

/** Ids are UUIDs; compared and cached in lower case so that an id never has two keys. */
export function lower(id: string): string;
export function lower(id: string | null): string | null;
export function lower(id: string | null): string | null {
  return typeof id === 'string' ? id.toLowerCase() : null;
}
