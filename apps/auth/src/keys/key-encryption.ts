import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

/** AES-256-GCM; `aad` binds the ciphertext to its row (the key's kid). */
export function seal(kek: Buffer, plaintext: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

/** The key-encryption key does not open a sealed value: another key sealed it (or it was altered). */
export class UnsealError extends Error {
  constructor(readonly aad: string) {
    super(`the key-encryption key does not open the value sealed for ${aad}`);
    this.name = 'UnsealError';
  }
}

export function open(kek: Buffer, sealed: Sealed, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', kek, sealed.iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  const head = decipher.update(sealed.ciphertext);
  try {
    return Buffer.concat([head, decipher.final()]);
  } catch {
    // GCM's authentication failed ("Unsupported state or unable to authenticate data").
    throw new UnsealError(aad);
  }
}
