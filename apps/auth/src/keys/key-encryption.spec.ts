import { randomBytes } from 'node:crypto';
import { open, seal, UnsealError } from './key-encryption';

describe('key encryption at rest', () => {
  const kek = randomBytes(32);
  const secret = Buffer.from('-----PRIVATE KEY MATERIAL-----');

  it('round-trips and does not keep the plaintext in the ciphertext', () => {
    const sealed = seal(kek, secret, 'kid-1');
    expect(sealed.ciphertext.includes(secret)).toBe(false);
    expect(open(kek, sealed, 'kid-1').equals(secret)).toBe(true);
  });

  it('refuses another key-encryption key, as an UnsealError', () => {
    const sealed = seal(kek, secret, 'kid-1');
    expect(() => open(randomBytes(32), sealed, 'kid-1')).toThrow(UnsealError);
  });

  it('refuses a ciphertext moved to another key row', () => {
    const sealed = seal(kek, secret, 'kid-1');
    expect(() => open(kek, sealed, 'kid-2')).toThrow(UnsealError);
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = seal(kek, secret, 'kid-1');
    sealed.ciphertext[0] ^= 1;
    expect(() => open(kek, sealed, 'kid-1')).toThrow(UnsealError);
  });
});
