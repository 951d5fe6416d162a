import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/**
 * Members' passwords: argon2id (RFC 9106) with OWASP's minimum parameters
 * (19 MiB, 2 passes, 1 lane): ~30 ms here, so a login costs the service little
 * while a stolen hash costs an attacker much. The PHC string carries its own
 * parameters and salt, so they can be raised later without a migration.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** A hash no password matches, verified when there is no member: an unknown email costs what a wrong password costs. */
let decoy: Promise<string> | null = null;

/** Whether `password` matches the PHC string `hash` (argon2's own comparison is constant-time); null: check against the decoy and answer false. */
export async function passwordMatches(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    decoy ??= hashPassword(randomBytes(32).toString('base64url'));
    await argon2.verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A password the operator is shown once (`npm start`, `members create` without one): 128 random bits, base64url. */
export function generatePassword(): string {
  return randomBytes(16).toString('base64url');
}

/** Emails are compared and stored lower-cased (and trimmed). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
