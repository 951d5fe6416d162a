import type { RoleView } from './identity.dto';

/**
 * Who asks, and how far the answer may reach: sent with every identity request.
 * The gateway fills it from the verified token and the policy service's
 * decision; identity enforces it. `scope: 'own'` limits reads, updates and
 * deletes to records the caller created, and filters lists to them.
 */
export interface AccessContext {
  project_id: string;
  /** The entity the request is about (x-monite-entity-id, or the token's entity). */
  entity_id: string | null;
  /** The entity user behind the token; null for a partner token. */
  actor_entity_user_id: string | null;
  scope: 'all' | 'own';
  /**
   * An entity user's writes to users and roles: what the caller holds, from the
   * policy decision that allowed the write. Identity refuses, inside the write's
   * transaction, a write that would give or touch more (no privilege escalation),
   * and refuses such a write from an entity user that comes without it.
   */
  ceiling?: EscalationCeiling;
}

/** The escalation guard's input: the caller's effective permissions, and the project's default role. */
export interface EscalationCeiling {
  /** The caller's effective role's permissions (`{objects: []}` when no role applies). */
  permissions: RoleView['permissions'];
  /**
   * The project's default role's permissions, or null when there is none: the role
   * of a user who has no role and whose entity has no default (auth owns it, so it
   * travels here for identity to resolve a user's effective role).
   */
  project_default: RoleView['permissions'] | null;
}

export interface ScopedRequest {
  access: AccessContext;
}

export interface ByIdRequest extends ScopedRequest {
  id: string;
}

export interface CreateRequest<T> extends ScopedRequest {
  body: T;
}

export interface UpdateRequest<T> extends ByIdRequest {
  body: T;
}

/** List queries as the API takes them (already validated by the gateway). */
export interface ListRequest<F = Record<string, unknown>> extends ScopedRequest {
  limit: number;
  order: 'asc' | 'desc';
  sort: string | null;
  pagination_token: string | null;
  filters: F;
}

export interface Page<T> {
  data: T[];
  next_pagination_token: string | null;
  prev_pagination_token: string | null;
}

export const LIST_LIMIT_MAX = 100;
