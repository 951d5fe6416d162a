import { CsrfTokens } from './csrf';

describe('CsrfTokens', () => {
  const csrf = new CsrfTokens('k'.repeat(32));
  const session = 's'.repeat(43);

  it('accepts the token of the session', () => {
    expect(csrf.verify('session', session, csrf.tokenFor('session', session))).toBe(true);
  });

  it('refuses another session\'s token, a pre-session token, a missing or a mangled one', () => {
    expect(csrf.verify('session', session, csrf.tokenFor('session', 't'.repeat(43)))).toBe(false);
    expect(csrf.verify('session', session, csrf.tokenFor('pre', session))).toBe(false);
    expect(csrf.verify('session', session, undefined)).toBe(false);
    expect(csrf.verify('session', session, ['x'])).toBe(false);
    expect(csrf.verify('session', undefined, csrf.tokenFor('session', session))).toBe(false);
    expect(csrf.verify('session', session, csrf.tokenFor('session', session).slice(1))).toBe(false);
  });

  it('depends on the key', () => {
    expect(new CsrfTokens('j'.repeat(32)).tokenFor('session', session)).not.toBe(csrf.tokenFor('session', session));
  });
});
