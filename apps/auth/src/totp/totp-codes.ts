import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { RECOVERY_CODE_COUNT } from '@gatehouse/contracts';

/**
 * TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, what every
 * authenticator app reads) and recovery codes, as pure functions.
 */
export const TOTP_ISSUER = 'Gatehouse';
export const TOTP_PERIOD_S = 30;
/** A code of the step before or after the current one is accepted too (clock drift). */
export const TOTP_WINDOW = 1;

/** A fresh 160-bit secret (RFC 4226's recommended length). */
export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

function totp(secret: Buffer, label = 'member'): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: Secret.fromHex(secret.toString('hex')) });
}

export function base32Of(secret: Buffer): string {
  return Secret.fromHex(secret.toString('hex')).base32;
}

/** The `otpauth://totp/...` URL an authenticator app reads (from a QR code the portal draws). */
export function otpauthUrl(secret: Buffer, email: string): string {
  return totp(secret, email).toString();
}

/** The code for an instant (tests, and nothing else). */
export function totpCodeAt(secret: Buffer, timestampMs: number): string {
  return totp(secret).generate({ timestamp: timestampMs });
}

/** Digits only, spaces ignored: `123 456` is `123456`. */
export function looksLikeTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s+/g, ''));
}

/**
 * The time step of a valid code (within the window), or null. A code of a step
 * at or before `lastStep` (one already used) is refused: each code works once.
 */
export function acceptedTotpStep(secret: Buffer, code: string, nowMs: number, lastStep: number | null): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret).validate({ token, timestamp: nowMs, window: TOTP_WINDOW });
  if (delta === null) return null;
  const step = Math.floor(nowMs / 1000 / TOTP_PERIOD_S) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten recovery codes, `xxxx-xxxx-xxxx` (59 bits each, no look-alike characters), shown to the member once. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = randomBytes(12);
    const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
    codes.push(`${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`);
  }
  return codes;
}

/** As typed: case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/** What is stored of a recovery code: the SHA-256 (hex) of its normalized form. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code), 'utf8').digest('hex');
}

/**
 * The stored hash `code` matches, or null. Every stored hash is compared, in
 * constant time, whether or not one matched earlier.
 */
export function matchRecoveryCode(code: string, storedHashes: readonly string[]): string | null {
  const candidate = Buffer.from(hashRecoveryCode(code), 'hex');
  let found: string | null = null;
  for (const stored of storedHashes) {
    const s = Buffer.from(stored, 'hex');
    if (s.length === candidate.length && timingSafeEqual(s, candidate) && found === null) found = stored;
  }
  return found;
}
