/** The session cookie: `__Host-` (Secure, Path=/, no Domain: this host only). */
export const SESSION_COOKIE = '__Host-gh_session';
/** Before sign-in: the random value the login and invite forms' CSRF tokens are bound to. */
export const PRE_SESSION_COOKIE = '__Host-gh_pre';

/** Reads one cookie of the Cookie header; a name given twice counts as absent (no guessing which one is meant). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) return undefined;
    found = part.slice(eq + 1).trim();
  }
  return found && /^[A-Za-z0-9_-]{16,200}$/.test(found) ? found : undefined;
}

/** A `Set-Cookie` value: HttpOnly, Secure, SameSite=Strict, Path=/ (what `__Host-` requires). */
export function cookie(name: string, value: string, maxAgeSeconds?: number): string {
  const age = maxAgeSeconds === undefined ? '' : `; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
  return `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict${age}`;
}

export function clearCookie(name: string): string {
  return `${name}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;
}
