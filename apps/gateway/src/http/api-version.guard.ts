import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Headers, resolveApiVersion } from '@gatehouse/contracts';
import { ApiError, issue } from './api-error';
import { API_VERSION_POLICY, ApiVersionPolicy } from './route-options';

/**
 * `x-monite-version`: missing → 400, malformed or older than every version → 422
 * (400 `invalid_request` in the OAuth dialect),
 * a later unknown date → the newest version not after it. The resolved version is
 * echoed on the response.
 */
@Injectable()
export class ApiVersionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const policy =
      this.reflector.getAllAndOverride<ApiVersionPolicy>(API_VERSION_POLICY, [ctx.getHandler(), ctx.getClass()]) ??
      'required';
    if (policy === 'none') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const raw = req.headers[Headers.apiVersion];
    if (raw === undefined) {
      if (policy === 'optional') return true;
      throw ApiError.message(400, `The ${Headers.apiVersion} header is required`);
    }
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    const resolved = resolveApiVersion(value);
    if (!resolved.ok) {
      const msg =
        resolved.reason === 'malformed'
          ? 'Must be a date in the form YYYY-MM-DD'
          : 'No API version is this old; the oldest is 2022-11-16';
      // A form request to the token or revocation endpoint reads RFC 6749 errors: 400 invalid_request with the message.
      throw ApiError.validation(
        [issue(['header', Headers.apiVersion], msg, resolved.reason === 'malformed' ? 'date_from_datetime_parsing' : 'value_error')],
        `${Headers.apiVersion}: ${msg}`,
      );
    }
    reply.header(Headers.apiVersion, resolved.version);
    return true;
  }
}
