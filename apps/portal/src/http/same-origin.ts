import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a state-changing request may come from where it says it comes from: a
 * browser's `Sec-Fetch-Site` must be `same-origin` (or `none`: typed by the user), and
 * an `Origin` must be this very origin (`https://` + Host). A request with neither
 * header (an old browser, a script) is left to the CSRF token, which every POST needs anyway.
 */
export function isSameOriginRequest(headers: IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  const host = headers.host;
  return typeof host === 'string' && origin === `https://${host}`;
}
