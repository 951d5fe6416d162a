import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PortalSessionView, PortalSubjects } from '@gatehouse/contracts';
import { clearCookie, readCookie, SESSION_COOKIE } from '../http/cookies';
import { CsrfTokens } from '../http/csrf';
import { Redirect } from '../http/page-error';
import { PortalApi } from '../portal/portal-api';
import type { PageSession } from '../http/layout';

export interface MemberSession extends PageSession {
  /** The raw session token (the cookie): sent with every request to auth, never logged or rendered. */
  token: string;
}

/** The member behind a request: the session cookie, checked by auth on every page (which also touches its idle expiry). */
@Injectable()
export class Sessions {
  constructor(
    private readonly api: PortalApi,
    @Inject(CsrfTokens) private readonly csrf: CsrfTokens,
  ) {}

  tokenOf(req: FastifyRequest): string | undefined {
    return readCookie(req.headers.cookie, SESSION_COOKIE);
  }

  /** The signed-in member, or a redirect to the login page (the stale cookie cleared). */
  async require(req: FastifyRequest): Promise<MemberSession> {
    const token = this.tokenOf(req);
    if (!token) throw new Redirect('/login');
    const view = await this.api.call<PortalSessionView>(PortalSubjects.sessionGet, { session_token: token }, req.id).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'unauthenticated') throw new Redirect('/login', [clearCookie(SESSION_COOKIE)]);
      throw err;
    });
    return { token, view, csrf: this.csrf.tokenFor('session', token) };
  }
}
