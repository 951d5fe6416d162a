import { generatePassword, hashPassword, normalizeEmail, passwordMatches } from './passwords';
import { generateToken, hashToken, isTokenShaped } from './account-tokens';

describe('passwords', () => {
  it('are hashed with argon2id (a PHC string with its parameters and a random salt)', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    const [, alg, version, params] = a.split('$');
    expect({ alg, version, params: params.split(',').sort() }).toEqual({ alg: 'argon2id', version: 'v=19', params: ['m=19456', 'p=1', 't=2'] });
    expect(a).not.toBe(b);
    expect(await passwordMatches(a, 'correct horse battery staple')).toBe(true);
    expect(await passwordMatches(a, 'correct horse battery stapl')).toBe(false);
  });

  it('answers false for no member and for a damaged hash, without throwing', async () => {
    expect(await passwordMatches(null, 'anything')).toBe(false);
    expect(await passwordMatches('not a hash', 'anything')).toBe(false);
  });

  it('generates 128-bit passwords and lower-cases emails', () => {
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(generatePassword()).not.toBe(generatePassword());
    expect(normalizeEmail('  Dev@Example.COM ')).toBe('dev@example.com');
  });
});

describe('session and invite tokens', () => {
  it('are 256 random bits (43 base64url characters), stored as SHA-256', () => {
    const t = generateToken();
    expect(isTokenShaped(t)).toBe(true);
    expect(t).not.toBe(generateToken());
    expect(hashToken(t)).toHaveLength(32);
    expect(hashToken(t).equals(hashToken(t))).toBe(true);
    expect(isTokenShaped(`${t.slice(0, 42)}!`)).toBe(false);
    expect(isTokenShaped(t.slice(1))).toBe(false);
  });
});
