import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PortalInviteCreated, PortalInviteInfo, PortalMembersListResponse, PortalSessionIssued, PortalSubjects } from '@gatehouse/contracts';
import { RemoteError } from '@gatehouse/platform';
import { clearCookie, PRE_SESSION_COOKIE } from '../http/cookies';
import { CsrfTokens } from '../http/csrf';
import { field } from '../http/forms';
import { PageError } from '../http/page-error';
import { seeOther, sendPage } from '../http/reply';
import { preSession, sessionCookie } from '../login/login.controller';
import { PortalApi } from '../portal/portal-api';
import { Sessions } from '../session/sessions';
import { invitePage, membersPage } from './members.views';

const GONE = 'This invite link is not valid: it was used, revoked or has expired. Ask for a new one.';

/** Members (owners invite and remove) and the invite link's acceptance page. */
@Controller()
export class MembersController {
  constructor(
    private readonly api: PortalApi,
    private readonly sessions: Sessions,
    @Inject(CsrfTokens) private readonly csrf: CsrfTokens,
  ) {}

  @Get('members')
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    const list = await this.api.call<PortalMembersListResponse>(PortalSubjects.membersList, { session_token: s.token }, req.id);
    sendPage(reply, membersPage(s, list, undefined, (req.query as { removed?: string }).removed === '1' ? 'Member removed; their sessions have ended.' : undefined));
  }

  @Post('members/invite')
  async invite(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    const invite = await this.api.call<PortalInviteCreated>(PortalSubjects.membersInvite, { session_token: s.token, role: field(req.body, 'role') }, req.id);
    const list = await this.api.call<PortalMembersListResponse>(PortalSubjects.membersList, { session_token: s.token }, req.id);
    const url = `https://${req.headers.host}/invite/${encodeURIComponent(invite.invite_token)}`;
    sendPage(reply, membersPage(s, list, { url, invite }), 201);
  }

  @Post('members/remove')
  async remove(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    await this.api.call(PortalSubjects.membersRemove, { session_token: s.token, member_id: field(req.body, 'member_id') }, req.id);
    seeOther(reply, '/members?removed=1');
  }

  private async inviteInfo(req: FastifyRequest, token: string): Promise<PortalInviteInfo> {
    try {
      return await this.api.call<PortalInviteInfo>(PortalSubjects.inviteGet, { invite_token: token }, req.id);
    } catch (err) {
      if (err instanceof RemoteError && (err.code === 'not_found' || err.code === 'invalid_request')) throw new PageError(404, GONE);
      throw err;
    }
  }

  @Get('invite/:token')
  async showInvite(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('token') token: string): Promise<void> {
    const info = await this.inviteInfo(req, token);
    const pre = preSession(req);
    // The token is in the URL: the page is not cached and sends no referrer (Referrer-Policy same-origin).
    sendPage(reply, invitePage(this.csrf.tokenFor('pre', pre.value), token, info), 200, pre.cookies);
  }

  @Post('invite/:token')
  async accept(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('token') token: string): Promise<void> {
    const email = field(req.body, 'email').trim();
    let issued: PortalSessionIssued;
    try {
      issued = await this.api.call<PortalSessionIssued>(
        PortalSubjects.inviteAccept,
        { invite_token: token, email, password: field(req.body, 'password'), client_address: req.ip, user_agent: (req.headers['user-agent'] ?? '').slice(0, 1000) || null },
        req.id,
      );
    } catch (err) {
      if (err instanceof RemoteError && (err.code === 'invalid_request' || err.code === 'conflict')) {
        const info = await this.inviteInfo(req, token);
        const pre = preSession(req);
        const details = Array.isArray(err.body.details) ? (err.body.details as Array<{ message?: string }>).map((d) => d.message).filter(Boolean).join(' ') : '';
        return sendPage(reply, invitePage(this.csrf.tokenFor('pre', pre.value), token, info, { email, error: details || err.message }), err.code === 'conflict' ? 409 : 400, pre.cookies);
      }
      if (err instanceof RemoteError && err.code === 'not_found') throw new PageError(404, GONE);
      throw err;
    }
    seeOther(reply, '/projects', [sessionCookie(issued), clearCookie(PRE_SESSION_COOKIE)]);
  }
}
