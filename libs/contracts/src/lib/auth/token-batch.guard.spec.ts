import fc from 'fast-check';
import { isBatchableTokenIssue } from './token-batch.guard';
import { TokenIssueBatchItemSchema } from './token.dto';

/**
 * The gateway's precompiled check may only ever accept what TokenIssueBatchItemSchema
 * accepts unchanged (else one request would have auth refuse a whole batch), and must
 * accept every request a client can send well-formed (else nothing would be batched).
 */
const LIMITS = [64, 200, 1_024];
/** Strings near every limit, with NUL and lone surrogates among them. */
const nearText = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(...LIMITS.flatMap((n) => [n - 1, n, n + 1]).map((n) => 'x'.repeat(n))),
  fc.constantFrom('a\u0000b', '\ud800', 'x\udc00', '\ud83d\ude00', ''),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const fieldValue = fc.oneof({ weight: 5, arbitrary: nearText }, fc.constantFrom(null, undefined, 0, true, [], {}, ['x']));
const requestKeys = ['grant_type', 'client_id', 'client_secret', 'entity_user_id', 'scope'] as const;
const nearRequest = fc
  .subarray([...requestKeys], { minLength: 0 })
  .chain((keys) => fc.tuple(...keys.map((k) => fc.tuple(fc.constant(k as string), fieldValue))))
  .map((entries) => Object.fromEntries(entries));
const nearItem = fc
  .record({ request: fc.oneof({ weight: 5, arbitrary: nearRequest }, fieldValue), request_id: fieldValue, extra: fieldValue }, { requiredKeys: [] })
  .map((r) => Object.fromEntries(Object.entries(r)));

const printable = (max: number) => fc.string({ minLength: 1, maxLength: max }).filter((s) => !s.includes('\u0000'));
const wellFormed = fc.record({
  request: fc.record(
    {
      grant_type: fc.constantFrom('client_credentials', 'entity_user'),
      client_id: fc.uuid(),
      client_secret: printable(1_024),
      entity_user_id: fc.option(fc.uuid(), { nil: null }),
    },
    { requiredKeys: ['grant_type', 'client_id', 'client_secret'] },
  ),
  request_id: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/)),
});

describe('isBatchableTokenIssue', () => {
  it('accepts only what TokenIssueBatchItemSchema accepts, and unchanged', () => {
    fc.assert(
      fc.property(fc.oneof(nearItem, wellFormed), (item) => {
        if (!isBatchableTokenIssue(item)) return;
        const parsed = TokenIssueBatchItemSchema.safeParse(item);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(item);
      }),
      { numRuns: 5_000 },
    );
  });

  it('accepts every well-formed token request', () => {
    fc.assert(fc.property(wellFormed, (item) => isBatchableTokenIssue(item)), { numRuns: 2_000 });
  });

  it('refuses a NUL, a lone surrogate, a secret over 1,024 characters and an unknown field', () => {
    const ok = { request: { grant_type: 'client_credentials', client_id: 'c', client_secret: 's' }, request_id: 'r' };
    expect(isBatchableTokenIssue(ok)).toBe(true);
    expect(isBatchableTokenIssue({ ...ok, request: { ...ok.request, client_secret: 'a\u0000b' } })).toBe(false);
    expect(isBatchableTokenIssue({ ...ok, request: { ...ok.request, client_secret: '\ud800' } })).toBe(false);
    expect(isBatchableTokenIssue({ ...ok, request: { ...ok.request, client_secret: 'x'.repeat(1_025) } })).toBe(false);
    expect(isBatchableTokenIssue({ ...ok, request: { ...ok.request, scope: 'x' } })).toBe(false);
    expect(isBatchableTokenIssue({ ...ok, extra: 1 })).toBe(false);
  });
});
