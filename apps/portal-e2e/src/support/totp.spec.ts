import { totpCode } from './totp';

describe('totpCode', () => {
  // RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" (base32 below), 8 digits there; the last 6 here.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it('matches the RFC 6238 test vectors (their last six digits)', () => {
    expect(totpCode(secret, 59_000)).toBe('287082');
    expect(totpCode(secret, 1_111_111_109_000)).toBe('081804');
    expect(totpCode(secret, 1_234_567_890_000)).toBe('005924');
  });
});
