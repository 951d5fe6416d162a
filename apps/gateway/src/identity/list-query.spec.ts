import { parseEntityListQuery, parseEntityUserListQuery, parseRoleListQuery } from './list-query';

const A = 'ea837e28-509b-4b6a-a600-d54b6aa0b1f5';
const B = '0b9c8a5e-2f8f-4a59-9d2e-4c6f6f0f3a11';

/** A query object as Fastify's default parser makes it (null prototype, strings, arrays for repeated keys). */
function q(values: Record<string, string | string[]>): Record<string, unknown> {
  return Object.assign(Object.create(null), values);
}

describe('list queries: defaults and paging', () => {
  it('fills the defaults and forwards no filters when none are given', () => {
    expect(parseEntityListQuery(q({}))).toEqual({
      value: { limit: 100, order: 'asc', sort: null, pagination_token: null, filters: {} },
      issues: [],
    });
    expect(parseEntityListQuery(undefined).value.limit).toBe(100);
  });

  it('takes limit, order, sort and pagination_token', () => {
    const { value, issues } = parseRoleListQuery(q({ limit: '7', order: 'desc', sort: 'created_at', pagination_token: 'abc' }));
    expect(issues).toEqual([]);
    expect(value).toEqual({ limit: 7, order: 'desc', sort: 'created_at', pagination_token: 'abc', filters: {} });
  });

  it('ignores unknown parameters', () => {
    const odd = Object.assign(JSON.parse('{"__proto__": "y"}'), { nope: 'x', constructor: 'z', toString: 'w' });
    expect(parseEntityUserListQuery(odd)).toEqual(parseEntityUserListQuery(q({})));
  });

  it('takes the last value of a repeated single-valued parameter', () => {
    expect(parseEntityListQuery(q({ limit: ['5', '9'] })).value.limit).toBe(9);
  });

  it('reads an empty pagination token as none', () => {
    expect(parseEntityListQuery(q({ pagination_token: '' })).value.pagination_token).toBeNull();
  });
});

describe('list queries: what is refused, and where', () => {
  const table: Array<[string, (query: unknown) => { issues: { loc: unknown[]; type: string }[] }, Record<string, string | string[]>, (string | number)[], string]> = [
    ['limit 0', parseEntityListQuery, { limit: '0' }, ['query', 'limit'], 'greater_than_equal'],
    ['limit 101', parseEntityListQuery, { limit: '101' }, ['query', 'limit'], 'less_than_equal'],
    ['limit not an integer', parseEntityListQuery, { limit: '1.5' }, ['query', 'limit'], 'int_parsing'],
    ['limit empty', parseRoleListQuery, { limit: '' }, ['query', 'limit'], 'int_parsing'],
    ['limit a word', parseRoleListQuery, { limit: 'ten' }, ['query', 'limit'], 'int_parsing'],
    ['order', parseEntityListQuery, { order: 'up' }, ['query', 'order'], 'enum'],
    ['entity sort', parseEntityListQuery, { sort: 'email' }, ['query', 'sort'], 'enum'],
    ['user sort (updated_at only)', parseEntityUserListQuery, { sort: 'created_at' }, ['query', 'sort'], 'enum'],
    ['token too long', parseEntityListQuery, { pagination_token: 'x'.repeat(2049) }, ['query', 'pagination_token'], 'string_too_long'],
    ['entity type', parseEntityListQuery, { type: 'company' }, ['query', 'type'], 'enum'],
    ['entity status', parseEntityListQuery, { status: 'gone' }, ['query', 'status'], 'enum'],
    ['user status', parseEntityUserListQuery, { status: 'inactive' }, ['query', 'status'], 'enum'],
    ['role status', parseRoleListQuery, { status: 'x' }, ['query', 'status'], 'enum'],
    ['uuid filter', parseEntityUserListQuery, { role_id: 'x' }, ['query', 'role_id'], 'uuid_parsing'],
    ['uuid list item', parseEntityListQuery, { id__in: [A, 'nope'] }, ['query', 'id__in', 1], 'uuid_parsing'],
    ['single uuid list item', parseRoleListQuery, { id__in: 'nope' }, ['query', 'id__in', 0], 'uuid_parsing'],
    ['date-time', parseEntityListQuery, { created_at__gt: 'yesterday' }, ['query', 'created_at__gt'], 'datetime_parsing'],
    ['date only', parseEntityUserListQuery, { created_at__lte: '2024-01-01' }, ['query', 'created_at__lte'], 'datetime_parsing'],
    ['impossible date', parseRoleListQuery, { created_at: '2024-02-30T00:00:00Z' }, ['query', 'created_at'], 'datetime_parsing'],
  ];

  it.each(table)('%s', (_name, parse, query, loc, type) => {
    const { issues } = parse(q(query));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ loc, type });
    expect(typeof (issues[0] as { msg?: unknown }).msg).toBe('string');
  });

  it('reports every bad parameter at once', () => {
    const { issues } = parseEntityListQuery(q({ limit: 'x', order: 'up', id__not_in: ['a', 'b'] }));
    expect(issues.map((i) => i.loc)).toEqual([
      ['query', 'limit'],
      ['query', 'order'],
      ['query', 'id__not_in', 0],
      ['query', 'id__not_in', 1],
    ]);
  });
});

describe('list queries: filters', () => {
  it('forwards only the filters given, lists as lists', () => {
    const { value, issues } = parseEntityListQuery(
      q({ id__in: [A, B], id__not_in: B, email__in: 'a@x.io', type: 'organization', status: 'inactive', email: '' }),
    );
    expect(issues).toEqual([]);
    expect(value.filters).toEqual({ id__in: [A, B], id__not_in: [B], email__in: ['a@x.io'], type: 'organization', status: 'inactive', email: '' });
  });

  it('takes the user filters', () => {
    const { value, issues } = parseEntityUserListQuery(
      q({ role_id: A.toUpperCase(), role_id__in: [A, B], login: 'casey', first_name: 'Casey', name__istartswith: 'ca', status: 'deleted' }),
    );
    expect(issues).toEqual([]);
    expect(value.filters).toEqual({ role_id: A, role_id__in: [A, B], login: 'casey', first_name: 'Casey', name__istartswith: 'ca', status: 'deleted' });
  });

  it('takes the role filters', () => {
    const { value, issues } = parseRoleListQuery(q({ name: 'Admin', id__in: A, created_at: '2024-05-25T10:00:00+02:00' }));
    expect(issues).toEqual([]);
    expect(value.filters).toEqual({ name: 'Admin', id__in: [A], created_at: '2024-05-25T10:00:00+02:00' });
  });

  it('passes date-times on with an explicit offset', () => {
    const { value } = parseEntityListQuery(
      q({ created_at__gt: '2024-01-01T00:00:00', created_at__lt: '2024-01-01 00:00:00.123456Z', created_at__gte: '2024-01-01T00:00:00-05:00' }),
    );
    expect(value.filters).toEqual({
      created_at__gt: '2024-01-01T00:00:00Z',
      created_at__lt: '2024-01-01T00:00:00.123456Z',
      created_at__gte: '2024-01-01T00:00:00-05:00',
    });
  });
});
