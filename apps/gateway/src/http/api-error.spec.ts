import { ApiError, issue, MAX_ISSUES } from './api-error';
import { serializeError } from './error-serializer';

describe('ApiError.validation', () => {
  const issues = (n: number) => Array.from({ length: n }, (_, i) => issue(['body', 'objects', i, 'object_type'], 'Duplicate', 'value_error'));

  it('lists up to MAX_ISSUES issues as they are', () => {
    expect(serializeError(ApiError.validation(issues(MAX_ISSUES)), 'monite').body).toEqual({ detail: issues(MAX_ISSUES) });
  });

  it('lists the first MAX_ISSUES of more, then one issue that counts the rest', () => {
    const { status, body } = serializeError(ApiError.validation(issues(1_300)), 'monite');
    expect(status).toBe(422);
    const detail = (body as { detail: unknown[] }).detail;
    expect(detail).toHaveLength(MAX_ISSUES + 1);
    expect(detail.slice(0, MAX_ISSUES)).toEqual(issues(MAX_ISSUES));
    expect(detail[MAX_ISSUES]).toEqual({ loc: ['body'], msg: expect.stringContaining(`${1_300 - MAX_ISSUES} more issues`), type: 'too_many_issues' });
  });
});

describe('ApiError stack', () => {
  it('captures no stack for a refusal (4xx) and leaves the stack-trace limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const refusal = ApiError.message(404, 'No such entity');
    expect(refusal.stack).not.toContain('\n    at ');
    expect(refusal.message).toBe('No such entity');
    expect(refusal).toBeInstanceOf(Error);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('after').stack).toContain('\n    at ');
  });

  it('leaves the limit as it was when the message is no string and its conversion throws', () => {
    const limit = Error.stackTraceLimit;
    const hostile = { toString: () => { throw new TypeError('no string'); } } as unknown as string;
    expect(() => ApiError.message(422, hostile)).toThrow(TypeError);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('keeps the stack of a 5xx, for the error log', () => {
    expect(new ApiError(500, 'Internal server error', { expose: false }).stack).toContain('\n    at ');
  });
});
