import { AUDIT_PAGE_SIZE_MAX, AuditLogFilters, canonicalId } from '@gatehouse/contracts';
import type { ValidationIssue } from '@gatehouse/permissions';
import { issue } from '../http/api-error';
import { bodyValidator } from '@gatehouse/platform';
import { isDict, Parsed, parsed } from '../identity/validation';

export interface AuditQuery {
  filters: AuditLogFilters;
  page_size: number;
  pagination_token: string | null;
}

const TIMES = ['timestamp__gt', 'timestamp__gte', 'timestamp__lt', 'timestamp__lte'] as const;
const PAGE_SIZE = /^\s*[+-]?\d+\s*$/;

const validate = bodyValidator(
  {
    type: 'object',
    properties: {
      type: { type: 'string', enum: ['request', 'response'] },
      entity_user_id: { type: 'string', format: 'uuid' },
      ...Object.fromEntries(TIMES.map((t) => [t, { type: 'string', format: 'iso-date-time' }])),
      page_size: { type: 'integer', minimum: 1, maximum: AUDIT_PAGE_SIZE_MAX },
      pagination_token: { type: 'string', maxLength: 4096 },
    },
  },
  ['query'],
);

/**
 * GET /v1/audit_logs' query (Monite's parameters): every filter optional; a
 * timestamp needs a date and a time; page_size 1..100 (default 100). Problems are
 * 422 issues at ['query', name], as the other lists report them. Repeated
 * parameters: the last one counts.
 */
export function parseAuditQuery(query: unknown): Parsed<AuditQuery> {
  const given = isDict(query) ? query : {};
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) values[k] = Array.isArray(v) ? v[v.length - 1] : v;
  const issues: ValidationIssue[] = [];
  if (typeof values['page_size'] === 'string') {
    if (PAGE_SIZE.test(values['page_size'])) values['page_size'] = Number(values['page_size']);
    else {
      issues.push(issue(['query', 'page_size'], 'Input should be a valid integer, unable to parse string as an integer', 'int_parsing'));
      delete values['page_size'];
    }
  }
  issues.push(
    ...validate(values).map((i) => ((TIMES as readonly string[]).includes(String(i.loc[1])) && i.type === 'value_error' ? { ...i, msg: 'Input should be a valid datetime', type: 'datetime_parsing' } : i)),
  );
  if (issues.length) return parsed({} as AuditQuery, issues);
  const time = (name: (typeof TIMES)[number]) => (typeof values[name] === 'string' ? new Date(canonicalDateTime(values[name] as string)).toISOString() : null);
  const token = values['pagination_token'] as string | undefined;
  return parsed({
    filters: {
      type: (values['type'] as 'request' | 'response' | undefined) ?? null,
      entity_user_id: typeof values['entity_user_id'] === 'string' ? canonicalId(values['entity_user_id']) : null,
      timestamp__gt: time('timestamp__gt'),
      timestamp__gte: time('timestamp__gte'),
      timestamp__lt: time('timestamp__lt'),
      timestamp__lte: time('timestamp__lte'),
    },
    page_size: (values['page_size'] as number | undefined) ?? AUDIT_PAGE_SIZE_MAX,
    pagination_token: token ? token : null,
  });
}

const OFFSET = /(z|[+-]\d\d(:?\d\d)?)$/i;

function canonicalDateTime(value: string): string {
  const t = `${value.slice(0, 10)}T${value.slice(11)}`;
  return OFFSET.test(t) ? t : `${t}Z`;
}
