/**
 * When a session ends, as plain arithmetic (tested on its own): at its absolute
 * expiry, or after `idleMs` without a request, whichever comes first; a session
 * half signed in (password checked, TOTP code not yet) lives at most
 * PENDING_TOTP_MS. Any session ends after MAX_FAILED_CODES wrong TOTP or
 * recovery codes (at sign-in, or to turn TOTP on or off): guessing costs a new sign-in.
 */
export interface SessionTimes {
  idleMs: number;
  absoluteMs: number;
}

export const PENDING_TOTP_MS = 5 * 60_000;
export const MAX_FAILED_CODES = 5;
/** A request refreshes `last_seen_at` only when it is older than this: one write per half minute at most, not one per request. */
export const TOUCH_AFTER_MS = 15_000;

export interface SessionState {
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  pendingTotp: boolean;
  failedCodes: number;
}

export type SessionVerdict = 'live' | 'revoked' | 'expired' | 'idle' | 'locked';

/** The absolute expiry of a session created at `now`. */
export function absoluteExpiry(now: number, times: SessionTimes, pendingTotp: boolean): Date {
  return new Date(now + (pendingTotp ? Math.min(PENDING_TOTP_MS, times.absoluteMs) : times.absoluteMs));
}

export function judgeSession(s: SessionState, now: number, times: SessionTimes): SessionVerdict {
  if (s.revokedAt) return 'revoked';
  if (now >= s.expiresAt.getTime()) return 'expired';
  if (now >= s.lastSeenAt.getTime() + times.idleMs) return 'idle';
  if (s.failedCodes >= MAX_FAILED_CODES) return 'locked';
  return 'live';
}

/** When the session, still live at `now`, would end if no request came: the earlier of idle and absolute expiry. */
export function effectiveExpiry(s: Pick<SessionState, 'lastSeenAt' | 'expiresAt'>, times: SessionTimes): Date {
  return new Date(Math.min(s.expiresAt.getTime(), s.lastSeenAt.getTime() + times.idleMs));
}
