import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../http/api-error';
import { KvSliceSource } from './kv-slice-source.service';
import { ProjectLimitsService } from './project-limits.service';
import { RateBudget, RateDecision } from './rate-budget';

/**
 * API rate limits (docs/RATE-LIMITS.md): each project's requests per second,
 * one budget across every gateway instance. `take` spends one request; the
 * caller sets the headers (`headers`) on the answer, whatever it is, and refuses
 * with `refusal` when the decision is not allowed.
 */
@Injectable()
export class RateLimitService {
  private readonly budget: RateBudget;

  constructor(
    private readonly limits: ProjectLimitsService,
    source: KvSliceSource,
  ) {
    this.budget = new RateBudget(source);
  }

  take(projectId: string): RateDecision | Promise<RateDecision> {
    const limit = this.limits.get(projectId);
    if (limit === undefined) return this.limits.load(projectId).then((l) => this.budget.take(projectId, l));
    return this.budget.take(projectId, limit);
  }

  /** A request that was counted and turned out not to be the project's (its client failed to authenticate). */
  refund(projectId: string): void {
    this.budget.refund(projectId);
  }
}

/** The budget's headers, on every answer to a counted request (IETF RateLimit fields, and Monite's per-second ones). */
export function setRateLimitHeaders(reply: FastifyReply, d: RateDecision): void {
  const limit = String(d.limit);
  const remaining = String(d.remaining);
  reply.header('ratelimit-limit', limit);
  reply.header('ratelimit-remaining', remaining);
  reply.header('ratelimit-reset', String(d.resetSeconds));
  reply.header('x-ratelimit-limit-second', limit);
  reply.header('x-ratelimit-remaining-second', remaining);
}

/** 429 with Retry-After; the serializer writes it in the request's dialect (RFC 6749's `temporarily_unavailable` on the OAuth form dialect). */
export function rateLimitRefusal(d: RateDecision): ApiError {
  const headers = { 'retry-after': String(d.resetSeconds) };
  const message = `Rate limit exceeded: this project may make ${d.limit} requests per second; retry after ${d.resetSeconds} s`;
  return ApiError.oauth(429, 'temporarily_unavailable', message, headers);
}
