import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../tokens/principal';
import { RateDecision } from './rate-budget';
import { rateLimitRefusal, RateLimitService, setRateLimitHeaders } from './rate-limit.service';

/**
 * Runs after the bearer guard: every request with a valid token counts against
 * its project's budget. Public routes (no principal) are not counted here; the
 * token and revocation endpoints count themselves (by the client's project).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly rateLimit: RateLimitService) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const http = ctx.switchToHttp();
    const principal = http.getRequest<FastifyRequest & { principal?: Principal }>().principal;
    if (!principal) return true;
    const reply = http.getResponse<FastifyReply>();
    const decision = this.rateLimit.take(principal.projectId);
    return decision instanceof Promise ? decision.then((d) => admit(reply, d)) : admit(reply, decision);
  }
}

function admit(reply: FastifyReply, d: RateDecision): boolean {
  setRateLimitHeaders(reply, d);
  if (!d.allowed) throw rateLimitRefusal(d);
  return true;
}
