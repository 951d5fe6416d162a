import { TOTP } from 'otpauth';
import {
  acceptedTotpStep,
  base32Of,
  hashRecoveryCode,
  looksLikeTotpCode,
  matchRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
  totpCodeAt,
} from './totp-codes';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" and its 8-digit values; the 6-digit code is their last six digits.
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
];

describe('TOTP codes', () => {
  it.each(RFC_VECTORS)('matches RFC 6238 at T=%i', (seconds, eight) => {
    expect(totpCodeAt(RFC_SECRET, seconds * 1000)).toBe(eight.slice(-6));
  });

  it('accepts the current code and the neighbouring steps, nothing further', () => {
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now), now, null)).toBe(step);
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now - 30_000), now, null)).toBe(step - 1);
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now + 30_000), now, null)).toBe(step + 1);
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now - 90_000), now, null)).toBeNull();
  });

  it('refuses a code of a step already used, and anything not six digits', () => {
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    const code = totpCodeAt(RFC_SECRET, now);
    expect(acceptedTotpStep(RFC_SECRET, code, now, step)).toBeNull();
    expect(acceptedTotpStep(RFC_SECRET, code, now, step - 1)).toBe(step);
    expect(acceptedTotpStep(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, now, null)).toBe(step);
    expect(acceptedTotpStep(RFC_SECRET, '12345', now, null)).toBeNull();
    expect(acceptedTotpStep(RFC_SECRET, 'abcdef', now, null)).toBeNull();
    expect(looksLikeTotpCode('123 456')).toBe(true);
    expect(looksLikeTotpCode('abcd-efgh-jkmn')).toBe(false);
  });

  it('gives an otpauth URL an authenticator reads back to the same secret', () => {
    const secret = newTotpSecret();
    expect(secret).toHaveLength(20);
    const url = otpauthUrl(secret, 'dev@example.com');
    expect(url).toMatch(/^otpauth:\/\/totp\/Gatehouse:dev%40example\.com\?/);
    expect(new URL(url).searchParams.get('secret')).toBe(base32Of(secret));
    const parsed = new TOTP({ secret: base32Of(secret) });
    expect(parsed.generate({ timestamp: 1_000_000 })).toBe(totpCodeAt(secret, 1_000_000));
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes of 12 unambiguous characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/);
  });

  it('are stored as SHA-256 hex and matched as typed (case, spaces and dashes ignored)', () => {
    const codes = newRecoveryCodes();
    const stored = codes.map(hashRecoveryCode);
    expect(stored[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]).not.toContain(codes[0].replace(/-/g, ''));
    expect(matchRecoveryCode(codes[2].toUpperCase().replace(/-/g, ' '), stored)).toBe(stored[2]);
    expect(matchRecoveryCode('aaaa-aaaa-aaaa', stored)).toBeNull();
    expect(matchRecoveryCode(codes[2], stored.filter((_, i) => i !== 2))).toBeNull();
  });
});
