import { clearCookie, cookie, readCookie, SESSION_COOKIE } from './cookies';

describe('cookies', () => {
  const token = 'A'.repeat(43);

  it('reads the named cookie among others', () => {
    expect(readCookie(`a=b; ${SESSION_COOKIE}=${token}; c=d`, SESSION_COOKIE)).toBe(token);
  });

  it('refuses a cookie given twice, a malformed value, or none', () => {
    expect(readCookie(`${SESSION_COOKIE}=${token}; ${SESSION_COOKIE}=${token}B`, SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(`${SESSION_COOKIE}=<script>`, SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(undefined, SESSION_COOKIE)).toBeUndefined();
  });

  it('writes HttpOnly, Secure, SameSite=Strict, Path=/ cookies', () => {
    expect(cookie(SESSION_COOKIE, token, 60)).toBe(`${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=60`);
    expect(clearCookie(SESSION_COOKIE)).toContain('Max-Age=0');
  });
});
