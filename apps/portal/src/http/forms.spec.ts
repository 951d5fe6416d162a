import { field, parseForm } from './forms';

describe('parseForm', () => {
  it('keeps the first value of a repeated field and has no prototype', () => {
    const form = parseForm('a=1&a=2&name=%3Cscript%3E&__proto__=x');
    expect(form.a).toBe('1');
    expect(form.name).toBe('<script>');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('field() answers an empty string for a missing or non-string field', () => {
    expect(field({ a: 'x' }, 'a')).toBe('x');
    expect(field({ a: ['x'] }, 'a')).toBe('');
    expect(field(undefined, 'a')).toBe('');
  });
});
