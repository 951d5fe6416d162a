/**
 * Identity records on the wire: the reference's EntityResponse,
 * EntityUserResponse and RoleResponse, plus `created_by_entity_user_id` and
 * `version` (our extensions: who created the record — null for a partner token —
 * which `allowed_for_own` depends on, and its optimistic version).
 */
export type EntityType = 'organization' | 'individual';
export type EntityStatus = 'active' | 'inactive' | 'deleted';
export type RecordStatus = 'active' | 'deleted';

export interface EntityAddress {
  country: string;
  city: string;
  postal_code: string;
  state?: string | null;
  line1: string;
  line2?: string | null;
}

export interface EntityView {
  id: string;
  type: EntityType;
  status: EntityStatus;
  email: string | null;
  phone: string | null;
  website: string | null;
  tax_id: string | null;
  registration_number?: string | null;
  registration_authority?: string | null;
  address: EntityAddress;
  organization?: Record<string, unknown>;
  individual?: Record<string, unknown>;
  logo: null;
  created_at: string;
  updated_at: string;
  created_by_entity_user_id: string | null;
  version: number;
}

export interface EntitySettingsView {
  /** Role of the entity's users who have none (our extension). */
  default_role_id: string | null;
  version: number;
  [key: string]: unknown;
}

export interface EntityUserView {
  id: string;
  login: string;
  first_name: string;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  /** The reference requires a role id; a user without one answers with the effective role's id when there is one, else null. */
  role_id: string | null;
  status: RecordStatus;
  created_at: string;
  updated_at: string;
  created_by_entity_user_id: string | null;
  version: number;
}

export interface RoleView {
  id: string;
  name: string;
  permissions: { objects: unknown[] };
  status: RecordStatus;
  created_at: string;
  updated_at: string;
  created_by_entity_user_id: string | null;
  version: number;
}

/** The body of every identity change event. */
export interface IdentityEvent<T> {
  /** The outbox sequence number (monotonic). */
  event_id: number;
  project_id: string;
  entity_id: string;
  record_id: string;
  /** The record's version after the change. */
  version: number;
  occurred_at: string;
  record: T;
}
