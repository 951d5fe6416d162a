import { randomBytes, timingSafeEqual } from 'node:crypto';
import { argon2id } from 'hash-wasm';

/**
 * Members' passwords: argon2id (RFC 9106) with OWASP's minimum parameters
 * (19 MiB, 2 passes, 1 lane), computed in WebAssembly (hash-wasm): a native
 * binding crashed silently on load in the compose images. The PHC string
 * carries its own parameters and salt, so they can be raised later without a
 * migration.
 */
export const ARGON2_OPTIONS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2id({ ...ARGON2_OPTIONS, password, salt: randomBytes(16), outputType: 'encoded' });
}

/** A hash no password matches, verified when there is no member: an unknown email costs what a wrong password costs. */
let decoy: Promise<string> | null = null;

/** `$argon2id$v=19$m=…,t=…,p=…$salt$hash` (unpadded base64), as hashPassword writes it. */
const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,64})\$([A-Za-z0-9+/]{22,128})$/;

/** Recomputes `password`'s argon2id with the PHC string's parameters and salt, and compares in constant time. */
async function verify(hash: string, password: string): Promise<boolean> {
  const m = PHC.exec(hash);
  if (!m) return false;
  const expected = Buffer.from(m[5], 'base64');
  const actual = await argon2id({
    password,
    salt: Buffer.from(m[4], 'base64'),
    memorySize: Number(m[1]),
    iterations: Number(m[2]),
    parallelism: Number(m[3]),
    hashLength: expected.length,
    outputType: 'binary',
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether `password` matches the PHC string `hash`; null: check against the decoy (the same work) and answer false. */
export async function passwordMatches(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    decoy ??= hashPassword(randomBytes(32).toString('base64url'));
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(hash, password);
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
