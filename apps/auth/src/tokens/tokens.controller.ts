import { Controller, Inject, UseFilters } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  AuthSubjects,
  Headers,
  RevocationsListResponse,
  TokenIssueBatchRequest,
  TokenIssueBatchResponse,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRevokeRequest,
  TokenRevokeResponse,
} from '@gatehouse/contracts';
import { LOGGER, rpcErrorBody, RpcLoggingFilter } from '@gatehouse/platform';
import type { Logger } from 'pino';
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
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(AuthSubjects.tokenIssue)
  issue(@Payload() req: TokenIssueRequest, @Ctx() ctx: NatsContext): Promise<TokenIssueResponse> {
    return this.tokens.issue(req, requestIdOf(ctx));
  }

  /**
   * The token requests one gateway received in one event-loop turn: each minted (or
   * refused) exactly as alone on auth.v1.token.issue, under its own request id, and
   * answered in order. One message instead of one per token: the per-message work
   * (the broker's routing, the packet, Nest's pipeline) is paid once per batch.
   */
  @MessagePattern(AuthSubjects.tokenIssueBatch)
  async issueBatch(@Payload() req: TokenIssueBatchRequest, @Ctx() ctx: NatsContext): Promise<TokenIssueBatchResponse> {
    const subject = ctx.getSubject();
    const results = await Promise.all(
      req.items.map(({ request, request_id }) =>
        this.tokens.issue(request, request_id).then(
          (response) => ({ response }),
          (err: unknown) => ({ err: rpcErrorBody(err, this.logger, { subject, requestId: request_id }) }),
        ),
      ),
    );
    return { results };
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
