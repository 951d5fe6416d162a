import { randomBytes } from 'node:crypto';
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PortalSessionIssued, PortalSubjects } from '@gatehouse/contracts';
import { RemoteError } from '@gatehouse/platform';
import { clearCookie, cookie, PRE_SESSION_COOKIE, readCookie, SESSION_COOKIE } from '../http/cookies';
import { CsrfTokens } from '../http/csrf';
import { field } from '../http/forms';
import { seeOther, sendPage } from '../http/reply';
import { PortalApi } from '../portal/portal-api';
import { LoginBrake } from './login-brake';
import { brakedPage, loginPage, totpPage } from './login.views';

/** The pre-session cookie: lives an hour (a login form older than that is refused: reload). */
const PRE_SESSION_SECONDS = 3_600;
const WRONG_LOGIN = 'Wrong email or password.';

/** The new session's cookie, living until the session's absolute expiry. */
export function sessionCookie(issued: { session_token: string; expires_at: string }): string {
  const seconds = (new Date(issued.expires_at).getTime() - Date.now()) / 1000;
  return cookie(SESSION_COOKIE, issued.session_token, Number.isFinite(seconds) ? seconds : 3_600);
}

/** The pre-session value of a login or invite form: the one the browser has, else a new one (set with the page). */
export function preSession(req: FastifyRequest): { value: string; cookies: string[] } {
  const have = readCookie(req.headers.cookie, PRE_SESSION_COOKIE);
  if (have) return { value: have, cookies: [] };
  const value = randomBytes(32).toString('base64url');
  return { value, cookies: [cookie(PRE_SESSION_COOKIE, value, PRE_SESSION_SECONDS)] };
}

/**
 * Signing in and out. A sign-in always gets a NEW session token from auth (and the
 * TOTP step another one): a session id planted in the browser before sign-in is never
 * promoted (no fixation). Failed sign-ins feed the login brake.
 */
@Controller()
export class LoginController {
  constructor(
    private readonly api: PortalApi,
    @Inject(CsrfTokens) private readonly csrf: CsrfTokens,
    @Inject(LoginBrake) private readonly brake: LoginBrake,
  ) {}

  @Get()
  root(@Res() reply: FastifyReply): void {
    seeOther(reply, '/projects');
  }

  @Get('login')
  loginForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const pre = preSession(req);
    sendPage(reply, loginPage(this.csrf.tokenFor('pre', pre.value)), 200, pre.cookies);
  }

  @Post('login')
  async login(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const email = field(req.body, 'email').trim();
    const password = field(req.body, 'password');
    const pre = preSession(req);
    const csrf = this.csrf.tokenFor('pre', pre.value);
    const address = req.ip;
    const wait = await this.brake.retryAfter(email, address);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendPage(reply, brakedPage(wait), 429);
    }
    if (!email || !password) return sendPage(reply, loginPage(csrf, { email, error: 'Enter your email and password.' }), 400);
    let issued: PortalSessionIssued;
    try {
      issued = await this.api.call<PortalSessionIssued>(
        PortalSubjects.login,
        { email, password, client_address: address, user_agent: (req.headers['user-agent'] ?? '').slice(0, 1000) || null },
        req.id,
      );
    } catch (err) {
      const code = err instanceof RemoteError ? err.code : undefined;
      if (code === 'unauthenticated' || code === 'invalid_request') {
        await this.brake.recordFailure(email, address);
        return sendPage(reply, loginPage(csrf, { email, error: WRONG_LOGIN }), 401);
      }
      throw err;
    }
    await this.brake.recordSuccess(email, address);
    seeOther(reply, issued.totp_required ? '/login/totp' : '/projects', [sessionCookie(issued), clearCookie(PRE_SESSION_COOKIE)]);
  }

  @Get('login/totp')
  totpForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token) return seeOther(reply, '/login');
    sendPage(reply, totpPage(this.csrf.tokenFor('session', token)));
  }

  @Post('login/totp')
  async totp(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE) as string;
    const address = req.ip;
    const key = `totp:${this.csrf.tokenFor('session', token)}`;
    const wait = await this.brake.retryAfter(key, address);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendPage(reply, brakedPage(wait), 429);
    }
    try {
      const issued = await this.api.call<PortalSessionIssued>(PortalSubjects.totpVerify, { session_token: token, code: field(req.body, 'code') }, req.id);
      await this.brake.recordSuccess(key, address);
      seeOther(reply, '/projects', [sessionCookie(issued)]);
    } catch (err) {
      const code = err instanceof RemoteError ? err.code : undefined;
      if (code === 'invalid_request' || code === 'unauthenticated') {
        await this.brake.recordFailure(key, address);
        return sendPage(reply, totpPage(this.csrf.tokenFor('session', token), 'That code is not right. Try the current one.'), 401);
      }
      throw err;
    }
  }

  @Post('logout')
  async logout(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE) as string;
    await this.api.call(PortalSubjects.logout, { session_token: token }, req.id).catch(() => undefined);
    seeOther(reply, '/login', [clearCookie(SESSION_COOKIE)]);
  }
}
