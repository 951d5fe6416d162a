import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { PortalSubjects, PortalTokenTryRequest, PortalTokenTryResult } from '@gatehouse/contracts';
import { RpcError, RpcLoggingFilter } from '@gatehouse/platform';
import { CredentialsService } from '../credentials/credentials.service';
import { requestIdOf } from '../tokens/tokens.controller';
import { TokensService } from '../tokens/tokens.service';
import { actorOf, PortalAccessService } from './portal-access.service';

/**
 * The portal's "Try it": a member asks for a partner token with a pair of their
 * project and its secret, pasted for this one request. Minting is not a read, so
 * a viewer is refused (`forbidden`); a client id that is not a pair of this
 * project is `not_found` (another project's, another partner's, or none: alike).
 * Then the token endpoint's own path mints (TokensService.issue: the same
 * authentication, the same claims and lifetime, the same trail entry, with the
 * member beside it), and its refusal (`invalid_client` for a wrong secret) comes
 * back as the outcome the page shows, not as an error of this subject.
 */
@Controller()
@UseFilters(RpcLoggingFilter)
export class PortalTokensController {
  constructor(
    private readonly access: PortalAccessService,
    private readonly credentials: CredentialsService,
    private readonly tokens: TokensService,
  ) {}

  @MessagePattern(PortalSubjects.tokenTry)
  async tryToken(@Payload() req: PortalTokenTryRequest, @Ctx() ctx?: NatsContext): Promise<PortalTokenTryResult> {
    const a = await this.access.project(req.session_token, req.project_id, 'write');
    const pair = await this.credentials.requireOfProject(a.project.id, req.client_id);
    const requestId = ctx ? requestIdOf(ctx) : undefined;
    try {
      const token = await this.tokens.issue(
        { grant_type: 'client_credentials', client_id: pair.clientId, client_secret: req.client_secret },
        requestId,
        { actor: actorOf(a) },
      );
      return { outcome: 'issued', token };
    } catch (err) {
      if (err instanceof RpcError) return { outcome: 'refused', error: { code: err.code, message: err.message } };
      throw err;
    }
  }
}
