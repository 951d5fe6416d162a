import type { EntityListFilters, EntityUserListFilters, RoleListFilters } from './list.dto';
import { ENTITY_SORT_FIELDS, ENTITY_USER_SORT_FIELDS, ROLE_SORT_FIELDS } from './list.dto';

/**
 * The list endpoints' query strings as the HTTP API takes them: the gateway validates
 * with these (apps/gateway identity/list-query.ts), the OpenAPI document lists them.
 */

/** How a filter's query value is typed. `__in`/`__not_in` filters are lists (repeated parameters). */
export type FilterKind = 'string' | 'uuid' | 'date-time' | 'string[]' | 'uuid[]' | { enum: readonly string[] };

export interface ListQuerySpec<F> {
  sort: readonly string[];
  /** Every filter of F, and nothing else. */
  filters: { readonly [K in keyof Required<F>]: FilterKind };
}

const CREATED_AT = {
  created_at__gt: 'date-time',
  created_at__lt: 'date-time',
  created_at__gte: 'date-time',
  created_at__lte: 'date-time',
} as const;

/** GET /v1/entities (reference: the parameters of that path). */
export const ENTITY_LIST: ListQuerySpec<EntityListFilters> = {
  sort: ENTITY_SORT_FIELDS,
  filters: {
    type: { enum: ['individual', 'organization'] },
    ...CREATED_AT,
    id__in: 'uuid[]',
    id__not_in: 'uuid[]',
    email: 'string',
    email__in: 'string[]',
    email__not_in: 'string[]',
    status: { enum: ['active', 'inactive', 'deleted'] },
  },
};

/** GET /v1/entity_users. `status` is a free string in the reference; we take only the statuses a user has. */
export const ENTITY_USER_LIST: ListQuerySpec<EntityUserListFilters> = {
  sort: ENTITY_USER_SORT_FIELDS,
  filters: {
    id__in: 'uuid[]',
    id__not_in: 'uuid[]',
    role_id: 'uuid',
    role_id__in: 'uuid[]',
    login: 'string',
    status: { enum: ['active', 'deleted'] },
    first_name: 'string',
    name__istartswith: 'string',
    ...CREATED_AT,
  },
};

/** GET /v1/roles. `status` is our extension (as for users). */
export const ROLE_LIST: ListQuerySpec<RoleListFilters> = {
  sort: ROLE_SORT_FIELDS,
  filters: {
    id__in: 'uuid[]',
    name: 'string',
    created_at: 'date-time',
    ...CREATED_AT,
    status: { enum: ['active', 'deleted'] },
  },
};

/**
 * A filter's JSON Schema. `iso-date-time` is ajv-formats' (an offset may be left out,
 * as pydantic allows); the OpenAPI document says `date-time`.
 */
export function filterSchema(kind: FilterKind, dateTimeFormat = 'iso-date-time'): Record<string, unknown> {
  if (typeof kind === 'object') return { type: 'string', enum: kind.enum };
  switch (kind) {
    case 'string':
      return { type: 'string' };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'date-time':
      // RFC 3339 / ISO 8601 date and time; the offset may be left out (then UTC), as pydantic allows.
      return { type: 'string', format: dateTimeFormat };
    case 'string[]':
      return { type: 'array', items: { type: 'string' } };
    case 'uuid[]':
      return { type: 'array', items: { type: 'string', format: 'uuid' } };
  }
}

