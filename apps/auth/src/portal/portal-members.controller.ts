import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  PortalInviteAcceptRequest,
  PortalInviteCreated,
  PortalInviteGetRequest,
  PortalInviteInfo,
  PortalMemberRemoved,
  PortalMembersInviteRequest,
  PortalMembersListResponse,
  PortalMembersRemoveRequest,
  PortalSessionIssued,
  PortalSessionRequest,
  PortalSubjects,
} from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { AccountsService } from '../accounts/accounts.service';
import { SessionsService } from '../sessions/sessions.service';
import { PortalAccessService } from './portal-access.service';
import { issuedView } from './portal-sessions.controller';

/** Portal subjects of a partner's members: listed by anyone, invited and removed by owners; invites used once. */
@Controller()
@UseFilters(RpcLoggingFilter)
export class PortalMembersController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly access: PortalAccessService,
    private readonly dataSource: DataSource,
  ) {}

  @MessagePattern(PortalSubjects.membersList)
  async list(@Payload() req: PortalSessionRequest): Promise<PortalMembersListResponse> {
    const { partner } = await this.access.member(req.session_token);
    return { members: await this.accounts.listMembers(partner.id), invites: await this.accounts.listOpenInvites(partner.id, this.sessions.now()) };
  }

  @MessagePattern(PortalSubjects.membersInvite)
  async invite(@Payload() req: PortalMembersInviteRequest): Promise<PortalInviteCreated> {
    const { partner, member } = await this.access.member(req.session_token, 'members');
    return this.accounts.createInvite(partner.id, req.role, member.id, this.sessions.now());
  }

  /** The member is removed and every session of theirs ends, in one transaction: their next request is refused. */
  @MessagePattern(PortalSubjects.membersRemove)
  async remove(@Payload() req: PortalMembersRemoveRequest): Promise<PortalMemberRemoved> {
    const { partner } = await this.access.member(req.session_token, 'members');
    return this.dataSource.transaction(async (m) => {
      const removed = await this.accounts.removeMember(m, partner.id, req.member_id);
      const ended = await this.sessions.endAllOf(removed.id, m);
      return { member_id: removed.id, removed_at: (removed.removedAt as Date).toISOString(), sessions_ended: ended };
    });
  }

  @MessagePattern(PortalSubjects.inviteGet)
  info(@Payload() req: PortalInviteGetRequest): Promise<PortalInviteInfo> {
    return this.accounts.inviteInfo(req.invite_token, this.sessions.now());
  }

  /** The invite is used once; the new member is signed in at once (no TOTP yet). */
  @MessagePattern(PortalSubjects.inviteAccept)
  async accept(@Payload() req: PortalInviteAcceptRequest): Promise<PortalSessionIssued> {
    const member = await this.accounts.acceptInvite(req.invite_token, req.email, req.password);
    const issued = await this.sessions.create(member.id, { pendingTotp: false, clientAddress: req.client_address, userAgent: req.user_agent });
    return issuedView(issued, false);
  }
}
