import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ErrorCodes,
  PortalLoginRequest,
  PortalLogoutResponse,
  PortalSessionIssued,
  PortalSessionRequest,
  PortalSessionView,
  PortalSubjects,
  PortalTotpCodeRequest,
  PortalTotpConfirmResponse,
  PortalTotpDisableResponse,
  PortalTotpEnrollResponse,
  PortalTotpVerifyRequest,
} from '@gatehouse/contracts';
import { RpcError, RpcLoggingFilter } from '@gatehouse/platform';
import { AccountsService, memberView } from '../accounts/accounts.service';
import { passwordMatches } from '../accounts/passwords';
import { IssuedSession, SessionsService } from '../sessions/sessions.service';
import { TotpService, wrongCode } from '../totp/totp.service';
import { PortalAccessService } from './portal-access.service';

/** Portal subjects of signing in and out, and of the member's own second factor. */
@Controller()
@UseFilters(RpcLoggingFilter)
export class PortalSessionsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly totp: TotpService,
    private readonly access: PortalAccessService,
  ) {}

  /**
   * Email and password (argon2id; an unknown email costs the same as a wrong
   * password, and both answer the same). A member with TOTP on gets a half
   * signed-in session that only `totp.verify` accepts. The login brake is the
   * portal's (per email and client address).
   */
  @MessagePattern(PortalSubjects.login)
  async login(@Payload() req: PortalLoginRequest): Promise<PortalSessionIssued> {
    const member = await this.accounts.findByEmail(req.email);
    const matches = await passwordMatches(member?.passwordHash ?? null, req.password);
    if (!member || !matches) throw new RpcError(ErrorCodes.unauthenticated, 'Wrong email or password');
    const pendingTotp = member.totpEnabledAt !== null;
    const issued = await this.sessions.create(member.id, { pendingTotp, clientAddress: req.client_address, userAgent: req.user_agent });
    return issuedView(issued, pendingTotp);
  }

  /** The second step: a TOTP code or a recovery code (each works once); a NEW token answers, the half session ends. */
  @MessagePattern(PortalSubjects.totpVerify)
  async verify(@Payload() req: PortalTotpVerifyRequest): Promise<PortalSessionIssued> {
    const { session, member } = await this.sessions.resolve(req.session_token, true);
    const used = await this.totp.useCode(member, req.code, this.sessions.now());
    if (!used) {
      await this.sessions.recordFailedCode(session.id);
      throw wrongCode();
    }
    return issuedView(await this.sessions.promote(session), false);
  }

  @MessagePattern(PortalSubjects.sessionGet)
  async get(@Payload() req: PortalSessionRequest): Promise<PortalSessionView> {
    const { session, member, partner } = await this.access.member(req.session_token);
    return { member: memberView(member), partner: { id: partner.id, name: partner.name }, expires_at: this.sessions.expiryOf(session).toISOString() };
  }

  @MessagePattern(PortalSubjects.logout)
  async logout(@Payload() req: PortalSessionRequest): Promise<PortalLogoutResponse> {
    const { session } = await this.access.member(req.session_token);
    return { sessions_ended: await this.sessions.end(session.id) };
  }

  /** Sign out everywhere: every session of the member, this one included. */
  @MessagePattern(PortalSubjects.logoutAll)
  async logoutAll(@Payload() req: PortalSessionRequest): Promise<PortalLogoutResponse> {
    const { member } = await this.access.member(req.session_token);
    return { sessions_ended: await this.sessions.endAllOf(member.id) };
  }

  @MessagePattern(PortalSubjects.totpEnroll)
  async enroll(@Payload() req: PortalSessionRequest): Promise<PortalTotpEnrollResponse> {
    const { member } = await this.access.member(req.session_token);
    return this.totp.enroll(member);
  }

  /** A wrong code counts against the session (MAX_FAILED_CODES end it), as at sign-in. */
  @MessagePattern(PortalSubjects.totpConfirm)
  async confirm(@Payload() req: PortalTotpCodeRequest): Promise<PortalTotpConfirmResponse> {
    const { member, session } = await this.access.member(req.session_token);
    return { recovery_codes: await this.countingFailures(session.id, () => this.totp.confirm(member, req.code, this.sessions.now())) };
  }

  @MessagePattern(PortalSubjects.totpDisable)
  async disable(@Payload() req: PortalTotpCodeRequest): Promise<PortalTotpDisableResponse> {
    const { member, session } = await this.access.member(req.session_token);
    await this.countingFailures(session.id, () => this.totp.disable(member, req.code, this.sessions.now()));
    return { totp_enabled: false };
  }

  private async countingFailures<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RpcError && err.code === ErrorCodes.invalidRequest) await this.sessions.recordFailedCode(sessionId);
      throw err;
    }
  }
}

export function issuedView(issued: IssuedSession, totpRequired: boolean): PortalSessionIssued {
  return { session_token: issued.token, expires_at: issued.expiresAt.toISOString(), totp_required: totpRequired };
}
