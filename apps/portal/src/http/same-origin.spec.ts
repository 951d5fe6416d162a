import { isSameOriginRequest } from './same-origin';

describe('isSameOriginRequest', () => {
  const host = 'localhost:8444';

  it('accepts the same origin', () => {
    expect(isSameOriginRequest({ host, origin: `https://${host}`, 'sec-fetch-site': 'same-origin' })).toBe(true);
    expect(isSameOriginRequest({ host })).toBe(true);
  });

  it('refuses a cross-site or same-site request, and a foreign or null Origin', () => {
    expect(isSameOriginRequest({ host, 'sec-fetch-site': 'cross-site' })).toBe(false);
    expect(isSameOriginRequest({ host, 'sec-fetch-site': 'same-site' })).toBe(false);
    expect(isSameOriginRequest({ host, origin: 'https://evil.example' })).toBe(false);
    expect(isSameOriginRequest({ host, origin: 'null' })).toBe(false);
    expect(isSameOriginRequest({ host, origin: `http://${host}` })).toBe(false);
  });
});
