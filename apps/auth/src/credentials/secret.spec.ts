import { generateSecret, hashSecret, secretMatches } from './secret';

describe('client secrets', () => {
  it('are at least 256 bits of randomness, url-safe', () => {
    const a = generateSecret();
    expect(Buffer.from(a, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(generateSecret()).not.toEqual(a);
  });

  it('are stored as a hash that does not contain the secret', () => {
    const s = generateSecret();
    const h = hashSecret(s);
    expect(h.toString('utf8')).not.toContain(s);
    expect(h.toString('base64url')).not.toEqual(s);
  });

  it('match only the exact secret', () => {
    const s = generateSecret();
    const h = hashSecret(s);
    expect(secretMatches(s, h)).toBe(true);
    expect(secretMatches(s + 'x', h)).toBe(false);
    expect(secretMatches('', h)).toBe(false);
    expect(secretMatches(s.slice(0, -1), h)).toBe(false);
  });
});
