import { createHash } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildOpenApiDocument, OPENAPI_DOCUMENT_PATH } from '@gatehouse/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiVersion, Public } from '../http/route-options';

/**
 * `GET /v1/openapi.json`: the OpenAPI 3.1 document of this API (libs/contracts
 * `buildOpenApiDocument`), public like the other discovery documents. Built and
 * serialized once; cacheable, with a strong ETag (304 on a match).
 */
@Controller()
@Public()
@ApiVersion('none')
export class OpenApiController {
  private readonly body: string;
  private readonly etag: string;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.body = JSON.stringify(buildOpenApiDocument({ serverUrl: config.GATEWAY_ISSUER }));
    this.etag = `"${createHash('sha256').update(this.body).digest('base64url').slice(0, 27)}"`;
  }

  @Get(OPENAPI_DOCUMENT_PATH.slice(1))
  document(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    reply.header('cache-control', 'public, max-age=300').header('etag', this.etag);
    if (matches(req.headers['if-none-match'], this.etag)) {
      void reply.status(304).send();
      return;
    }
    void reply.type('application/json; charset=utf-8').send(this.body);
  }
}

/** RFC 9110 §13.1.2: a list of entity tags, or `*`; weak comparison. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
