import type { FastifyReply, FastifyRequest } from 'fastify';
import { PRE_SESSION_COOKIE, readCookie, SESSION_COOKIE } from './cookies';
import { CsrfTokens } from './csrf';
import { field } from './forms';
import { isSameOriginRequest } from './same-origin';

/** Forms posted before sign-in: their CSRF token is bound to the pre-session cookie. */
export function isPreSessionForm(path: string): boolean {
  return path === '/login' || path.startsWith('/invite/');
}

/**
 * Every state-changing request (every POST: the portal changes nothing on GET) must
 * come from the portal's own pages: `Sec-Fetch-Site`/`Origin` say so, and the form
 * carries the CSRF token of the session (or, before sign-in, of the pre-session
 * cookie). Anything else is a 403 before any handler runs.
 */
export function postGuard(csrf: CsrfTokens, refuse: (reply: FastifyReply, message: string) => void) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (req.method !== 'POST') return;
    if (!isSameOriginRequest(req.headers)) return refuse(reply, 'This form was sent from another site, so it was refused.');
    const path = req.url.split('?', 1)[0];
    const pre = isPreSessionForm(path);
    const bound = readCookie(req.headers.cookie, pre ? PRE_SESSION_COOKIE : SESSION_COOKIE);
    if (!csrf.verify(pre ? 'pre' : 'session', bound, field(req.body, '_csrf'))) {
      return refuse(reply, 'This form has expired or did not come from this page. Reload the page and try again.');
    }
  };
}
