import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthSubjects, MemberCreated, MemberCreateRequest, PartnerCreateRequest, PartnerListResponse, PartnerView } from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { AccountsService } from './accounts.service';

/** Operator subjects (the CLI, `npm start`): partners and their first members. */
@Controller()
@UseFilters(RpcLoggingFilter)
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @MessagePattern(AuthSubjects.partnersCreate)
  create(@Payload() req: PartnerCreateRequest): Promise<PartnerView> {
    return this.accounts.createPartner(req.name);
  }

  @MessagePattern(AuthSubjects.partnersList)
  async list(): Promise<PartnerListResponse> {
    return { partners: await this.accounts.listPartners() };
  }

  /** Without a password in the request, a random one is made and answered once (never logged, only its argon2id hash kept). */
  @MessagePattern(AuthSubjects.membersCreate)
  member(@Payload() req: MemberCreateRequest): Promise<MemberCreated> {
    return this.accounts.createMember(req.partner_id, req.email, req.role, req.password);
  }
}
