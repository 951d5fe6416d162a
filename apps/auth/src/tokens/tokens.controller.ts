import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  AuthSubjects,
  Headers,
  RevocationsListResponse,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRevokeRequest,
  TokenRevokeResponse,
} from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { CredentialsService } from '../credentials/credentials.service';
import { ProjectsService } from '../projects/projects.service';
import { RevocationsService } from './revocations.service';
import { TokensService } from './tokens.service';

export function requestIdOf(ctx: NatsContext): string | undefined {
  return ctx.getHeaders()?.get(Headers.requestId) || undefined;
}

@Controller()
@UseFilters(RpcLoggingFilter)
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly revocations: RevocationsService,
    private readonly credentials: CredentialsService,
    private readonly projects: ProjectsService,
  ) {}

  @MessagePattern(AuthSubjects.tokenIssue)
  issue(@Payload() req: TokenIssueRequest, @Ctx() ctx: NatsContext): Promise<TokenIssueResponse> {
    return this.tokens.issue(req, requestIdOf(ctx));
  }

  @MessagePattern(AuthSubjects.tokenRevoke)
  revoke(@Payload() req: TokenRevokeRequest, @Ctx() ctx: NatsContext): Promise<TokenRevokeResponse> {
    return this.tokens.revoke(req, requestIdOf(ctx));
  }

  /** Everything that refuses a token before it expires: revoked tokens, revoked pairs, project cutoffs. */
  @MessagePattern(AuthSubjects.revocationsList)
  async list(): Promise<RevocationsListResponse> {
    const [tokens, clients, projects] = await Promise.all([
      this.revocations.active(),
      this.credentials.recentlyRevoked(),
      this.projects.activeCutoffs(),
    ]);
    return { tokens, clients, projects };
  }
}
