import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decode } from 'jsonwebtoken';
import {
  AuthSubjects,
  ClientAuthenticateRequest,
  ClientAuthenticateResponse,
  ErrorCodes,
  TokenRevokeResponse,
} from '@gatehouse/contracts';
import { NatsService, RemoteError } from '@gatehouse/platform';
import { ApiError } from '../http/api-error';
import { dialectOf } from '../http/dialect';
import { statusOf } from '../http/error-status';
import { ApiVersion, Public } from '../http/route-options';
import { rateLimitRefusal, RateLimitService, setRateLimitHeaders } from '../rate-limit/rate-limit.service';
import { ClientProjectsService } from '../tokens/client-projects.service';
import { RevocationListService } from '../tokens/revocation-list.service';
import { TokenVerifierService } from '../tokens/token-verifier.service';
import { ClientCredentials } from './client-authentication';
import { AuthenticatedClientsService } from './authenticated-clients.service';
import { ClientAuthLimiterService } from './client-auth-limiter.service';
import { activeIntrospection, INACTIVE } from './introspection';
import { parseIntrospectRequest } from './introspect-request';
import { parseRevokeRequest } from './revoke-request';
import { parseTokenRequest } from './token-request';
import { TokenIssueBatcher } from './token-issue-batcher.service';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** POST /v1/auth/token, /v1/auth/revoke and /v1/auth/introspect, each read as the steps of its RFC. */
@Controller('v1/auth')
@Public()
@ApiVersion('optional')
export class OAuthController {
  constructor(
    private readonly nats: NatsService,
    private readonly limiter: ClientAuthLimiterService,
    private readonly revocations: RevocationListService,
    private readonly rateLimit: RateLimitService,
    private readonly clientProjects: ClientProjectsService,
    private readonly verifier: TokenVerifierService,
    private readonly authenticated: AuthenticatedClientsService,
    private readonly batcher: TokenIssueBatcher,
  ) {}

  @Post('token')
  @HttpCode(200)
  async token(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    reply.headers(NO_STORE);
    // 1. parse, 2. brake brute force, 3. authenticate the client and mint (auth service), 4. respond
    // Refusals are ApiErrors; the exception filter writes them in the request's dialect.
    const { request, client } = parseTokenRequest(body, req.headers.authorization, dialectOf(req));
    await this.brake(client, req.ip);
    const projectId = await this.countRequest(client, reply);
    // With the other token requests of this event-loop turn, in one message to auth (TokenIssueBatcher).
    const issued = await this.answered(this.batcher.issue(request, String(req.id)), req, client, projectId);
    if (projectId === undefined) await this.countMinted(client, issued.access_token, reply);
    return issued;
  }

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    reply.headers(NO_STORE);
    const { request, client } = parseRevokeRequest(body, req.headers.authorization, dialectOf(req));
    await this.brake(client, req.ip);
    const projectId = await this.countRequest(client, reply);
    const result = await this.call<TokenRevokeResponse>(AuthSubjects.tokenRevoke, request, req, client, projectId);
    // Refused here at once; the broadcast from auth reaches the other gateway instances.
    if (result.revoked) this.revocations.add(result.revoked);
    return { message: 'ok' };
  }

  /**
   * RFC 7662. The client authenticates as for revocation (same dialects, same brake);
   * the token is then judged here, by the verifier every authenticated request goes
   * through, against the revocation list this gateway holds: active exactly when a
   * request with it would be accepted, and of the caller's project. Anything else is
   * `{"active": false}` and nothing more (no oracle).
   */
  @Post('introspect')
  @HttpCode(200)
  async introspect(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    reply.headers(NO_STORE);
    const { token, client } = parseIntrospectRequest(body, req.headers.authorization, dialectOf(req));
    await this.brake(client, req.ip);
    const projectId = await this.countRequest(client, reply);
    const callerProject = await this.authenticate(client, req, projectId);
    if (projectId === undefined) await this.countAuthenticated(client, callerProject, reply);
    // Fail closed, as for any authenticated request: without a current list no token is vouched for.
    if (!this.revocations.isCurrent()) throw new ApiError(503, 'Service temporarily unavailable', { code: 'temporarily_unavailable', expose: false });
    const verdict = await this.verifier.verify(token);
    return verdict.ok && verdict.claims.project_id === callerProject ? activeIntrospection(verdict.claims) : INACTIVE;
  }

  /** The caller's project: from a secret auth accepted lately (AuthenticatedClientsService), else auth's answer. */
  private async authenticate(client: ClientCredentials, req: FastifyRequest, projectId: string | undefined): Promise<string> {
    const known = this.authenticated.projectOf(client.clientId, client.clientSecret);
    if (known !== undefined) return known;
    const epoch = this.authenticated.epoch();
    const request: ClientAuthenticateRequest = { client_id: client.clientId, client_secret: client.clientSecret };
    const { project_id } = await this.call<ClientAuthenticateResponse>(AuthSubjects.clientAuthenticate, request, req, client, projectId);
    this.authenticated.remember(client.clientId, client.clientSecret, project_id, epoch);
    return project_id;
  }

  private async brake(client: ClientCredentials, address: string): Promise<void> {
    const wait = await this.limiter.retryAfter(client.clientId, address);
    if (wait === 0) return;
    throw ApiError.oauth(429, 'temporarily_unavailable', `Too many failed client authentications; retry after ${wait} s`, {
      'retry-after': String(wait),
    });
  }

  /**
   * API rate limit (docs/RATE-LIMITS.md): the request counts against the project of
   * its client id when this gateway knows it; the project's id, or undefined when not
   * known yet (then the first token minted tells it, see countMinted).
   */
  private async countRequest(client: ClientCredentials, reply: FastifyReply): Promise<string | undefined> {
    const projectId = client.clientId ? this.clientProjects.known(client.clientId) : undefined;
    if (projectId === undefined) return undefined;
    const decision = await this.rateLimit.take(projectId);
    setRateLimitHeaders(reply, decision);
    if (!decision.allowed) throw rateLimitRefusal(decision);
    return projectId;
  }

  /** The first token of a client id this gateway sees: its project is learnt from it, and the request counted (never refused: it is done). */
  private async countMinted(client: ClientCredentials, token: string, reply: FastifyReply): Promise<void> {
    const projectId = projectOfToken(token);
    if (!client.clientId || !projectId) return;
    this.clientProjects.remember(client.clientId, projectId);
    setRateLimitHeaders(reply, await this.rateLimit.take(projectId));
  }

  /** A client id first seen on introspection: auth has just told its project. */
  private async countAuthenticated(client: ClientCredentials, projectId: string, reply: FastifyReply): Promise<void> {
    this.clientProjects.remember(client.clientId, projectId);
    setRateLimitHeaders(reply, await this.rateLimit.take(projectId));
  }

  private call<T>(subject: string, data: unknown, req: FastifyRequest, client: ClientCredentials, projectId?: string): Promise<T> {
    return this.answered(this.nats.request<T>(subject, data, { requestId: req.id }), req, client, projectId);
  }

  /** Auth's answer, or its refusal as the gateway's (a failed client authentication counted by the brake). */
  private async answered<T>(asked: Promise<T>, req: FastifyRequest, client: ClientCredentials, projectId?: string): Promise<T> {
    try {
      return await asked;
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
      // A client that failed to authenticate is not its project's: the brake counts it instead.
      if (err.code === ErrorCodes.invalidClient && projectId !== undefined) this.rateLimit.refund(projectId);
      if (err.code === ErrorCodes.invalidClient) await this.limiter.recordFailure(client.clientId, req.ip);
      throw refusal(err, client.basic);
    }
  }
}

/** The project of a token auth just minted (read, not verified: it came from auth itself). */
function projectOfToken(token: string): string | undefined {
  const claims = decode(token, { json: true });
  return typeof claims?.project_id === 'string' ? claims.project_id : undefined;
}

/** Auth's refusal as the gateway's: its RFC 6749 code and message; a 5xx says nothing of its cause. */
export function refusal(err: RemoteError, basic: boolean): ApiError {
  const status = statusOf(err.code);
  if (status === 503) return new ApiError(503, 'Service temporarily unavailable', { code: 'temporarily_unavailable', expose: false });
  if (status >= 500) return new ApiError(status, 'Internal server error', { code: 'server_error', expose: false });
  const headers: Record<string, string> =
    err.code === ErrorCodes.invalidClient && basic ? { 'www-authenticate': 'Basic realm="gatehouse", error="invalid_client"' } : {};
  return ApiError.oauth(status, err.code, err.message, headers);
}
