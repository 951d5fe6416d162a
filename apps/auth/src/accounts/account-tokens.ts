import { createHash, randomBytes } from 'node:crypto';

/** Session and invite tokens: 256 random bits, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored and looked up: the SHA-256 of the token (a 256-bit secret needs no slow hash). */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The shape of a token this service issued: anything else is refused before the database is asked. */
export function isTokenShaped(token: string): boolean {
  return token.length === 43 && /^[A-Za-z0-9_-]+$/.test(token);
}
