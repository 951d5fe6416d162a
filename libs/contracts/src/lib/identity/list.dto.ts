import { z } from 'zod';
import { dateTime, text, uuid } from '../common/schema-kit';

/**
 * The list endpoints' sort fields and filters, as the reference defines them.
 * The gateway validates query strings against these; identity applies them.
 * Repeated query parameters (`id__in=a&id__in=b`) arrive as arrays.
 */
const QUERY_TEXT_MAX = 2_048;
const queryText = text(QUERY_TEXT_MAX);
const list = <T extends z.ZodType>(item: T) => z.array(item).max(1_000);

const createdAtFilters = {
  created_at__gt: dateTime.optional(),
  created_at__lt: dateTime.optional(),
  created_at__gte: dateTime.optional(),
  created_at__lte: dateTime.optional(),
};

export const EntityListFiltersSchema = z.strictObject({
  ...createdAtFilters,
  type: z.enum(['organization', 'individual']).optional(),
  id__in: list(uuid).optional(),
  id__not_in: list(uuid).optional(),
  email: queryText.optional(),
  email__in: list(queryText).optional(),
  email__not_in: list(queryText).optional(),
  status: z.enum(['active', 'inactive', 'deleted']).optional(),
});
export type EntityListFilters = z.infer<typeof EntityListFiltersSchema>;

export const EntityUserListFiltersSchema = z.strictObject({
  ...createdAtFilters,
  id__in: list(uuid).optional(),
  id__not_in: list(uuid).optional(),
  role_id: uuid.optional(),
  role_id__in: list(uuid).optional(),
  login: queryText.optional(),
  /** Default: only active users are listed. */
  status: z.enum(['active', 'deleted']).optional(),
  first_name: queryText.optional(),
  /** First or last name starts with this, case-insensitively. */
  name__istartswith: queryText.optional(),
});
export type EntityUserListFilters = z.infer<typeof EntityUserListFiltersSchema>;

export const RoleListFiltersSchema = z.strictObject({
  ...createdAtFilters,
  id__in: list(uuid).optional(),
  name: queryText.optional(),
  /** Exact creation time. */
  created_at: dateTime.optional(),
  /** Our extension, as for users: default only active roles. */
  status: z.enum(['active', 'deleted']).optional(),
});
export type RoleListFilters = z.infer<typeof RoleListFiltersSchema>;

export type CreatedAtFilters = Pick<EntityListFilters, keyof typeof createdAtFilters>;

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
