import fc from 'fast-check';
import { isWellFormedCheckRequest } from './check-request.guard';
import { CheckRequestSchema } from './policy.dto';

/**
 * The precompiled check of policy.v1.check may only ever accept what
 * CheckRequestSchema accepts, and must then equal what the schema returns (the
 * server hands the raw value to the handler). It must also accept every
 * well-formed question, or it would not be the fast path it is for.
 */
const ID_MAX = 100;
const idLike = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 0, maxLength: 3 }),
  fc.string({ minLength: ID_MAX - 1, maxLength: ID_MAX + 1 }),
  fc.constant('x'.repeat(ID_MAX)),
);
/** Anything JSON can carry where a field is expected: mostly near misses. */
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: idLike },
  fc.constantFrom('partner', 'entity_user', 'robot', ''),
  fc.constantFrom(null, true, false, 0, 1, -1),
  fc.constantFrom([], ['x'], {}, { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const principalKeys = ['kind', 'project_id', 'entity_user_id', 'entity_id', 'role', '__proto__', 'constructor'] as const;
const requestKeys = ['principal', 'entity_id', 'object_type', 'action', 'resource_created_by', 'partner_only', 'with_ceiling', 'extra', '__proto__'] as const;

/** Build objects the way JSON.parse does (an own "__proto__" key stays a key). */
const fromEntries = (entries: [string, unknown][]): unknown => JSON.parse(JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [k === '__proto__' ? '\u0000' : k, v]))).replace(/"\\u0000"/g, '"__proto__"'));

const nearPrincipal = fc
  .subarray([...principalKeys], { minLength: 0 })
  .chain((keys) => fc.tuple(...keys.map((k) => fc.tuple(fc.constant(k as string), k === 'kind' ? fc.oneof(fc.constantFrom('partner', 'entity_user'), fieldValue) : fieldValue))))
  .map((entries) => fromEntries(entries as [string, unknown][]));
const nearRequest = fc
  .subarray([...requestKeys], { minLength: 0 })
  .chain((keys) =>
    fc.tuple(...keys.map((k) => fc.tuple(fc.constant(k as string), k === 'principal' ? fc.oneof({ weight: 4, arbitrary: nearPrincipal }, fieldValue) : fieldValue))),
  )
  .map((entries) => fromEntries(entries as [string, unknown][]));

const id = fc.string({ minLength: 1, maxLength: ID_MAX });
const text = fc.string({ maxLength: ID_MAX });
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const wellFormed = fc
  .record(
    {
      principal: fc.oneof(
        fc.record({ kind: fc.constant('partner'), project_id: id, entity_user_id: id, entity_id: id }, { requiredKeys: ['kind', 'project_id'] }),
        fc.record({ kind: fc.constant('entity_user'), project_id: id, entity_user_id: id, entity_id: id }),
      ),
      entity_id: nullable(id),
      object_type: text,
      action: text,
      resource_created_by: nullable(text),
      partner_only: nullable(fc.boolean()),
      with_ceiling: nullable(fc.boolean()),
    },
    { requiredKeys: ['principal', 'object_type', 'action'] },
  )
  .map((r) => JSON.parse(JSON.stringify(r)) as unknown);

type Json = Record<string, unknown>;
/** A well-formed question with one or two things changed: a key dropped, a value swapped, a key added, at either level. */
const oneOff = fc
  .tuple(
    wellFormed,
    fc.array(fc.tuple(fc.boolean(), fc.constantFrom<'drop' | 'swap' | 'add'>('drop', 'swap', 'add'), fc.nat(), fieldValue, fc.constantFrom(...requestKeys, ...principalKeys)), {
      minLength: 1,
      maxLength: 2,
    }),
  )
  .map(([base, edits]) => {
    const value = base as Json;
    for (const [inPrincipal, op, pick, replacement, newKey] of edits) {
      const target = inPrincipal && typeof value.principal === 'object' && value.principal !== null ? (value.principal as Json) : value;
      const keys = Object.keys(target);
      const key = keys[pick % keys.length];
      // A copy: fast-check hands out the same constant objects again, and sharing one could make a cycle.
      const fresh: unknown = structuredClone(replacement);
      if (op === 'drop') delete target[key];
      else if (op === 'swap') target[key] = fresh;
      else target[newKey] = fresh;
    }
    return fromEntries(Object.entries(value)) as unknown;
  });

describe('isWellFormedCheckRequest (the precompiled check of policy.v1.check)', () => {
  it('never accepts what CheckRequestSchema refuses, and what it accepts the schema returns unchanged', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 3, arbitrary: oneOff }, nearRequest, wellFormed, fc.jsonValue({ maxDepth: 3 })), (value) => {
        if (!isWellFormedCheckRequest(value)) return;
        const parsed = CheckRequestSchema.safeParse(value);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(value);
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts every well-formed question (it is the fast path for all of them)', () => {
    fc.assert(
      fc.property(wellFormed, (value) => {
        expect(CheckRequestSchema.safeParse(value).success).toBe(true);
        expect(isWellFormedCheckRequest(value)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses the near misses a hand check gets wrong', () => {
    const ok = { principal: { kind: 'entity_user', project_id: 'p', entity_user_id: 'u', entity_id: 'e' }, object_type: 'role', action: 'read' };
    expect(isWellFormedCheckRequest(ok)).toBe(true);
    const misses: unknown[] = [
      { ...ok, principal: { kind: 'entity_user', project_id: 'p', entity_user_id: 'u' } },
      { ...ok, principal: { ...ok.principal, project_id: '' } },
      { ...ok, entity_id: '' },
      { ...ok, object_type: 'x'.repeat(ID_MAX + 1) },
      { ...ok, action: undefined },
      { ...ok, partner_only: 'yes' },
      JSON.parse('{"principal":{"kind":"partner","project_id":"p"},"object_type":"a","action":"b","__proto__":{"x":1}}'),
      Object.assign(Object.create(null), ok),
      [ok],
    ];
    for (const miss of misses) expect(isWellFormedCheckRequest(miss)).toBe(false);
  });
});
