import {
  canonicalId,
  ENTITY_LIST,
  ENTITY_USER_LIST,
  FilterKind,
  filterSchema,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  ListRequest,
  ListQuerySpec,
  PAGINATION_TOKEN_MAX_LENGTH,
  ROLE_LIST,
} from '@gatehouse/contracts';
import type { ValidationIssue } from '@gatehouse/permissions';
import { issue } from '../http/api-error';
import { bodyValidator } from '@gatehouse/platform';
import { isDict, Parsed, parsed } from './validation';

/** A list request without its AccessContext: what the query string says. */
export type ListQuery<F> = Omit<ListRequest<F>, 'access'>;

const LIMIT_PATTERN = /^\s*[+-]?\d+\s*$/;
const DATE_TIME_MESSAGE = 'Input should be a valid datetime';

const isList = (kind: FilterKind): boolean => kind === 'string[]' || kind === 'uuid[]';

/**
 * Compiles a list's query validator. Query values arrive as strings (repeated
 * keys as arrays): lists take every value (one value makes a one-element list),
 * other parameters the last one, as FastAPI does; unknown parameters are
 * ignored. Problems are reported FastAPI-style at ['query', name, index?].
 * Filters given are passed on normalised: UUIDs lower-case, date-times with an
 * explicit offset (`Z` when none was given) and `T` between date and time.
 */
export function listQueryParser<F>(spec: ListQuerySpec<F>): (query: unknown) => Parsed<ListQuery<F>> {
  const kinds = Object.entries(spec.filters) as Array<[string, FilterKind]>;
  const validate = bodyValidator(
    {
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX },
        order: { type: 'string', enum: ['asc', 'desc'] },
        sort: { type: 'string', enum: spec.sort },
        pagination_token: { type: 'string', maxLength: PAGINATION_TOKEN_MAX_LENGTH },
        ...Object.fromEntries(kinds.map(([name, kind]) => [name, filterSchema(kind)])),
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
