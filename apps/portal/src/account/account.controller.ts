import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toDataURL } from 'qrcode';
import { PortalSubjects, PortalTotpConfirmResponse, PortalTotpEnrollResponse } from '@gatehouse/contracts';
import { RemoteError } from '@gatehouse/platform';
import { clearCookie, SESSION_COOKIE } from '../http/cookies';
import { field } from '../http/forms';
import { seeOther, sendPage } from '../http/reply';
import { PortalApi } from '../portal/portal-api';
import { Sessions } from '../session/sessions';
import { accountPage } from './account.views';

/** The member's own account: TOTP (enrol with a QR code drawn here, confirm, disable) and signing out everywhere. */
@Controller('account')
export class AccountController {
  constructor(
    private readonly api: PortalApi,
    private readonly sessions: Sessions,
  ) {}

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    const q = req.query as { totp?: string };
    sendPage(reply, accountPage(s, { note: q.totp === 'off' ? 'Two-step verification is off.' : undefined }));
  }

  @Post('totp/enroll')
  async enroll(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    const e = await this.api.call<PortalTotpEnrollResponse>(PortalSubjects.totpEnroll, { session_token: s.token }, req.id);
    // Drawn here, as a data: image: the secret never goes to another host.
    const qrDataUrl = await toDataURL(e.otpauth_url, { errorCorrectionLevel: 'M', margin: 2, width: 200 });
    sendPage(reply, accountPage(s, { enrolment: { secret: e.secret_base32, qrDataUrl } }));
  }

  @Post('totp/confirm')
  async confirm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    try {
      const r = await this.api.call<PortalTotpConfirmResponse>(PortalSubjects.totpConfirm, { session_token: s.token, code: field(req.body, 'code') }, req.id);
      const fresh = await this.sessions.require(req);
      sendPage(reply, accountPage(fresh, { recoveryCodes: r.recovery_codes, note: 'Two-step verification is on.' }));
    } catch (err) {
      if (err instanceof RemoteError && (err.code === 'invalid_request' || err.code === 'conflict')) {
        return sendPage(reply, accountPage(s, { error: `${err.message} Start the set-up again.` }), 400);
      }
      throw err;
    }
  }

  @Post('totp/disable')
  async disable(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    try {
      await this.api.call(PortalSubjects.totpDisable, { session_token: s.token, code: field(req.body, 'code') }, req.id);
    } catch (err) {
      if (err instanceof RemoteError && err.code === 'invalid_request') return sendPage(reply, accountPage(s, { error: err.message }), 400);
      throw err;
    }
    seeOther(reply, '/account?totp=off');
  }

  @Post('logout-all')
  async logoutAll(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    await this.api.call(PortalSubjects.logoutAll, { session_token: s.token }, req.id);
    seeOther(reply, '/login', [clearCookie(SESSION_COOKIE)]);
  }
}
