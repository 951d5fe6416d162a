import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PORTAL_CONFIG, PortalConfig } from '../config';
import { sendPage } from '../http/reply';
import { Sessions } from '../session/sessions';
import { apiReferencePage } from './api-reference.views';
import { openApiDocument } from './openapi-source';

/** The API reference, rendered from the gateway's OpenAPI document (public: no sign-in needed). */
@Controller('api')
export class ApiReferenceController {
  private readonly page: ReturnType<typeof openApiDocument>;

  constructor(
    private readonly sessions: Sessions,
    @Inject(PORTAL_CONFIG) private readonly config: PortalConfig,
  ) {
    this.page = openApiDocument(config.PORTAL_API_URL);
  }

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = this.sessions.tokenOf(req) ? await this.sessions.require(req).catch(() => undefined) : undefined;
    sendPage(reply, apiReferencePage(s, this.page, this.config.PORTAL_API_URL));
  }
}
