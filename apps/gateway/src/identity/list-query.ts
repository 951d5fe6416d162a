import { canonicalId, ENTITY_SORT_FIELDS, ENTITY_USER_SORT_FIELDS, EntityListFilters, EntityUserListFilters, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, ListRequest, PAGINATION_TOKEN_MAX_LENGTH, ROLE_SORT_FIELDS, RoleListFilters } from '@gatehouse/contracts';
import type { ValidationIssue } from '@gatehouse/permissions';
import { issue } from '../http/api-error';
import { bodyValidator } from '@gatehouse/platform';
import { isDict, Parsed, parsed } from './validation';

/** How a filter's query value is typed. `__in`/`__not_in` filters are lists (repeated parameters). */
type FilterKind = 'string' | 'uuid' | 'date-time' | 'string[]' | 'uuid[]' | { enum: readonly string[] };

export interface ListSpec<F> {
  sort: readonly string[];
  /** Every filter of F, and nothing else. */
  filters: { readonly [K in keyof Required<F>]: FilterKind };
}

/** A list request without its AccessContext: what the query string says. */
export type ListQuery<F> = Omit<ListRequest<F>, 'access'>;

const CREATED_AT = {
  created_at__gt: 'date-time',
  created_at__lt: 'date-time',
  created_at__gte: 'date-time',
  created_at__lte: 'date-time',
} as const;

/** GET /v1/entities (reference: the parameters of that path). */
export const ENTITY_LIST: ListSpec<EntityListFilters> = {
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
export const ENTITY_USER_LIST: ListSpec<EntityUserListFilters> = {
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
export const ROLE_LIST: ListSpec<RoleListFilters> = {
  sort: ROLE_SORT_FIELDS,
  filters: {
    id__in: 'uuid[]',
    name: 'string',
    created_at: 'date-time',
    ...CREATED_AT,
    status: { enum: ['active', 'deleted'] },
  },
};

const LIMIT_PATTERN = /^\s*[+-]?\d+\s*$/;
const DATE_TIME_MESSAGE = 'Input should be a valid datetime';

function schemaOf(kind: FilterKind): object {
  if (typeof kind === 'object') return { type: 'string', enum: kind.enum };
  switch (kind) {
    case 'string':
      return { type: 'string' };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'date-time':
      // RFC 3339 / ISO 8601 date and time; the offset may be left out (then UTC), as pydantic allows.
      return { type: 'string', format: 'iso-date-time' };
    case 'string[]':
      return { type: 'array', items: { type: 'string' } };
    case 'uuid[]':
      return { type: 'array', items: { type: 'string', format: 'uuid' } };
  }
}

const isList = (kind: FilterKind): boolean => kind === 'string[]' || kind === 'uuid[]';

/**
 * Compiles a list's query validator. Query values arrive as strings (repeated
 * keys as arrays): lists take every value (one value makes a one-element list),
 * other parameters the last one, as FastAPI does; unknown parameters are
 * ignored. Problems are reported FastAPI-style at ['query', name, index?].
 * Filters given are passed on normalised: UUIDs lower-case, date-times with an
 * explicit offset (`Z` when none was given) and `T` between date and time.
 */
export function listQueryParser<F>(spec: ListSpec<F>): (query: unknown) => Parsed<ListQuery<F>> {
  const kinds = Object.entries(spec.filters) as Array<[string, FilterKind]>;
  const validate = bodyValidator(
    {
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX },
        order: { type: 'string', enum: ['asc', 'desc'] },
        sort: { type: 'string', enum: spec.sort },
        pagination_token: { type: 'string', maxLength: PAGINATION_TOKEN_MAX_LENGTH },
        ...Object.fromEntries(kinds.map(([name, kind]) => [name, schemaOf(kind)])),
      },
    },
    ['query'],
  );
  const dateTimes = new Set(kinds.filter(([, kind]) => kind === 'date-time').map(([name]) => name));

  return (query) => {
    const given = isDict(query) ? query : {};
    const values: Record<string, unknown> = {};
    const issues: ValidationIssue[] = [];

    for (const name of ['limit', 'order', 'sort', 'pagination_token']) {
      if (Object.hasOwn(given, name)) values[name] = last(given[name]);
    }
    if (typeof values['limit'] === 'string') {
      if (LIMIT_PATTERN.test(values['limit'])) values['limit'] = Number(values['limit']);
      else {
        issues.push(issue(['query', 'limit'], 'Input should be a valid integer, unable to parse string as an integer', 'int_parsing'));
        delete values['limit'];
      }
    }
    for (const [name, kind] of kinds) {
      if (!Object.hasOwn(given, name)) continue;
      const value = given[name];
      values[name] = isList(kind) ? (Array.isArray(value) ? value : [value]) : last(value);
    }

    issues.push(...validate(values).map((i) => (dateTimes.has(String(i.loc[1])) && i.type === 'value_error' ? { ...i, msg: DATE_TIME_MESSAGE, type: 'datetime_parsing' } : i)));
    if (issues.length) return parsed({} as ListQuery<F>, issues);

    const filters: Record<string, unknown> = {};
    for (const [name, kind] of kinds) {
      if (Object.hasOwn(values, name)) filters[name] = normalise(kind, values[name]);
    }
    const token = values['pagination_token'] as string | undefined;
    return parsed({
      limit: (values['limit'] as number | undefined) ?? LIST_LIMIT_DEFAULT,
      order: (values['order'] as 'asc' | 'desc' | undefined) ?? 'asc',
      sort: (values['sort'] as string | undefined) ?? null,
      // An empty token means "first page", like none.
      pagination_token: token ? token : null,
      filters: filters as F,
    });
  };
}

function last(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function normalise(kind: FilterKind, value: unknown): unknown {
  switch (kind) {
    case 'uuid':
      return canonicalId(value as string);
    case 'uuid[]':
      return (value as string[]).map(canonicalId);
    case 'date-time':
      return canonicalDateTime(value as string);
    default:
      return value;
  }
}

const OFFSET = /(z|[+-]\d\d(:?\d\d)?)$/i;

function canonicalDateTime(value: string): string {
  const t = `${value.slice(0, 10)}T${value.slice(11)}`;
  return OFFSET.test(t) ? t : `${t}Z`;
}

export const parseEntityListQuery = listQueryParser(ENTITY_LIST);
export const parseEntityUserListQuery = listQueryParser(ENTITY_USER_LIST);
export const parseRoleListQuery = listQueryParser(ROLE_LIST);
