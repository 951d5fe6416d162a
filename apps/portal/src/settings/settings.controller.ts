import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_TOKEN_TTL_MAX, ACCESS_TOKEN_TTL_MIN, PortalSubjects, ProjectSettings } from '@gatehouse/contracts';
import { field, Form } from '../http/forms';
import { PageError } from '../http/page-error';
import { seeOther, sendPage } from '../http/reply';
import { PortalApi } from '../portal/portal-api';
import { findProject, projectPath } from '../projects/projects.controller';
import { Sessions } from '../session/sessions';
import { defaultRoleFromForm } from './default-role-form';
import { settingsPage } from './settings.views';

/** A project's settings: the token lifetime and the default role (auth validates them as PATCH /v1/settings does). */
@Controller('projects/:id/settings')
export class SettingsController {
  constructor(
    private readonly api: PortalApi,
    private readonly sessions: Sessions,
  ) {}

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('saved') saved?: string): Promise<void> {
    const s = await this.sessions.require(req);
    const project = await findProject(this.api, s, id, req.id);
    const settings = await this.api.call<ProjectSettings>(PortalSubjects.settingsGet, { session_token: s.token, project_id: id }, req.id);
    sendPage(reply, settingsPage(s, project, settings, saved === '1'));
  }

  @Post()
  async update(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const s = await this.sessions.require(req);
    const ttlText = field(req.body, 'access_token_ttl').trim();
    if (!/^\d{1,6}$/.test(ttlText)) {
      throw new PageError(400, `The token lifetime must be a whole number of seconds from ${ACCESS_TOKEN_TTL_MIN} to ${ACCESS_TOKEN_TTL_MAX}.`);
    }
    const settings = { access_token_ttl: Number(ttlText), default_role: defaultRoleFromForm((req.body ?? {}) as Form) };
    await this.api.call(PortalSubjects.settingsUpdate, { session_token: s.token, project_id: id, settings }, req.id);
    seeOther(reply, projectPath(id, '/settings?saved=1'));
  }
}
