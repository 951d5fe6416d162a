import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../http/api-error';
import { PUBLIC_ROUTE } from '../http/route-options';
import { principalOf } from './principal';
import { RevocationListService } from './revocation-list.service';
import { TokenVerifierService } from './token-verifier.service';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="gatehouse"' };
const INVALID = { 'WWW-Authenticate': 'Bearer realm="gatehouse", error="invalid_token"' };

/** Every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifierService,
    private readonly revocations: RevocationListService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { principal?: unknown }>();
    const header = req.headers.authorization;
    if (!header) throw ApiError.message(401, 'Authentication required: send a bearer token', CHALLENGE);
    const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
    if (!match) throw ApiError.message(401, 'The Authorization header must be "Bearer <token>"', INVALID);
    // Fail closed: without a current revocation list no token is accepted.
    if (!this.revocations.isCurrent()) throw ApiError.message(503, 'Service temporarily unavailable');
    const result = await this.verifier.verify(match[1]);
    if (!result.ok) {
      const message = result.reason === 'expired' ? 'The access token has expired' : 'The access token is invalid or revoked';
      throw ApiError.message(401, message, INVALID);
    }
    req.principal = principalOf(result.claims);
    return true;
  }
}
