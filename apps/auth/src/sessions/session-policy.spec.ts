import { absoluteExpiry, effectiveExpiry, judgeSession, MAX_FAILED_CODES, PENDING_TOTP_MS, SessionState } from './session-policy';

const times = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const T0 = Date.UTC(2026, 0, 1);
const session = (over: Partial<SessionState> = {}): SessionState => ({
  createdAt: new Date(T0),
  lastSeenAt: new Date(T0),
  expiresAt: absoluteExpiry(T0, times, false),
  revokedAt: null,
  pendingTotp: false,
  failedCodes: 0,
  ...over,
});

describe('session policy', () => {
  it('a full session lives 12 hours at most; a half one 5 minutes', () => {
    expect(absoluteExpiry(T0, times, false).getTime() - T0).toBe(12 * 3_600_000);
    expect(absoluteExpiry(T0, times, true).getTime() - T0).toBe(PENDING_TOTP_MS);
  });

  it('is live until the idle limit since the last request', () => {
    expect(judgeSession(session(), T0 + times.idleMs - 1, times)).toBe('live');
    expect(judgeSession(session(), T0 + times.idleMs, times)).toBe('idle');
    expect(judgeSession(session({ lastSeenAt: new Date(T0 + times.idleMs - 1) }), T0 + times.idleMs, times)).toBe('live');
  });

  it('ends at the absolute expiry even when just used', () => {
    const now = T0 + times.absoluteMs;
    expect(judgeSession(session({ lastSeenAt: new Date(now - 1) }), now, times)).toBe('expired');
  });

  it('ends when revoked, and after too many wrong codes (half signed in or not)', () => {
    expect(judgeSession(session({ revokedAt: new Date(T0) }), T0 + 1, times)).toBe('revoked');
    const half = session({ pendingTotp: true, expiresAt: absoluteExpiry(T0, times, true) });
    expect(judgeSession({ ...half, failedCodes: MAX_FAILED_CODES - 1 }, T0 + 1, times)).toBe('live');
    expect(judgeSession({ ...half, failedCodes: MAX_FAILED_CODES }, T0 + 1, times)).toBe('locked');
    expect(judgeSession(session({ failedCodes: MAX_FAILED_CODES }), T0 + 1, times)).toBe('locked');
  });

  it('tells when an unused session ends: the earlier of idle and absolute', () => {
    expect(effectiveExpiry(session(), times).getTime()).toBe(T0 + times.idleMs);
    const late = T0 + times.absoluteMs - 60_000;
    expect(effectiveExpiry(session({ lastSeenAt: new Date(late) }), times).getTime()).toBe(T0 + times.absoluteMs);
  });
});
