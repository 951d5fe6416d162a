/**
 * The list endpoints' sort fields and filters, as the reference defines them.
 * The gateway validates query strings against these; identity applies them.
 * Repeated query parameters (`id__in=a&id__in=b`) arrive as arrays.
 */
export interface CreatedAtFilters {
  created_at__gt?: string;
  created_at__lt?: string;
  created_at__gte?: string;
  created_at__lte?: string;
}

export interface EntityListFilters extends CreatedAtFilters {
  type?: 'organization' | 'individual';
  id__in?: string[];
  id__not_in?: string[];
  email?: string;
  email__in?: string[];
  email__not_in?: string[];
  status?: 'active' | 'inactive' | 'deleted';
}

export interface EntityUserListFilters extends CreatedAtFilters {
  id__in?: string[];
  id__not_in?: string[];
  role_id?: string;
  role_id__in?: string[];
  login?: string;
  /** Default: only active users are listed. */
  status?: 'active' | 'deleted';
  first_name?: string;
  /** First or last name starts with this, case-insensitively. */
  name__istartswith?: string;
}

export interface RoleListFilters extends CreatedAtFilters {
  id__in?: string[];
  name?: string;
  /** Exact creation time. */
  created_at?: string;
  /** Our extension, as for users: default only active roles. */
  status?: 'active' | 'deleted';
}

/** Sort fields per list (reference: EntityCursorFields, EntityUserCursorFields, RoleCursorFields). Without `sort`, lists are in creation order. */
export const ENTITY_SORT_FIELDS = ['created_at', 'updated_at'] as const;
export const ENTITY_USER_SORT_FIELDS = ['updated_at'] as const;
export const ROLE_SORT_FIELDS = ['updated_at', 'created_at'] as const;

export type EntitySortField = (typeof ENTITY_SORT_FIELDS)[number];
export type EntityUserSortField = (typeof ENTITY_USER_SORT_FIELDS)[number];
export type RoleSortField = (typeof ROLE_SORT_FIELDS)[number];

export const LIST_LIMIT_DEFAULT = 100;
/** Longest accepted pagination token, characters. */
export const PAGINATION_TOKEN_MAX_LENGTH = 2048;
