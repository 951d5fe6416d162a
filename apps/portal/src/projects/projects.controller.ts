import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PortalCredentialsListResponse, PortalProjectsListResponse, PortalProjectView, PortalSubjects, ProjectSettings } from '@gatehouse/contracts';
import { PORTAL_CONFIG, PortalConfig } from '../config';
import { field } from '../http/forms';
import { PageError } from '../http/page-error';
import { seeOther, sendPage } from '../http/reply';
import { PortalApi } from '../portal/portal-api';
import { MemberSession, Sessions } from '../session/sessions';
import { overviewPage, projectsPage } from './projects.views';

/** The member's partner's project (auth answers only those): not_found otherwise, like a missing one. */
export async function findProject(api: PortalApi, s: MemberSession, projectId: string, requestId: string): Promise<PortalProjectView> {
  const { projects } = await api.call<PortalProjectsListResponse>(PortalSubjects.projectsList, { session_token: s.token, include_archived: true }, requestId);
  const project = projects.find((p) => p.project_id === projectId);
  if (!project) throw new PageError(404, 'There is nothing here, or it is not yours to see.');
  return project;
}

export function projectPath(id: string, rest = ''): string {
  return `/projects/${encodeURIComponent(id)}${rest}`;
}

/** Projects: list, create, the overview with the "first request" panel, rename, archive. */
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly api: PortalApi,
    private readonly sessions: Sessions,
    @Inject(PORTAL_CONFIG) private readonly config: PortalConfig,
  ) {}

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('archived') archived?: string): Promise<void> {
    const s = await this.sessions.require(req);
    const includeArchived = archived === '1';
    const { projects } = await this.api.call<PortalProjectsListResponse>(PortalSubjects.projectsList, { session_token: s.token, include_archived: includeArchived }, req.id);
    sendPage(reply, projectsPage(s, projects, includeArchived));
  }

  @Post()
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const s = await this.sessions.require(req);
    const created = await this.api.call<PortalProjectView>(PortalSubjects.projectsCreate, { session_token: s.token, name: field(req.body, 'name') }, req.id);
    seeOther(reply, projectPath(created.project_id));
  }

  @Get(':id')
  async overview(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('pair') pair?: string): Promise<void> {
    const s = await this.sessions.require(req);
    const project = await findProject(this.api, s, id, req.id);
    const [{ credentials }, settings] = await Promise.all([
      this.api.call<PortalCredentialsListResponse>(PortalSubjects.credentialsList, { session_token: s.token, project_id: id }, req.id),
      this.api.call<ProjectSettings>(PortalSubjects.settingsGet, { session_token: s.token, project_id: id }, req.id),
    ]);
    sendPage(reply, overviewPage(s, project, credentials, settings, this.config.PORTAL_API_URL, typeof pair === 'string' ? pair : undefined));
  }

  @Post(':id/rename')
  async rename(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const s = await this.sessions.require(req);
    await this.api.call(PortalSubjects.projectsRename, { session_token: s.token, project_id: id, name: field(req.body, 'name') }, req.id);
    seeOther(reply, projectPath(id));
  }

  @Post(':id/archive')
  async archive(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const s = await this.sessions.require(req);
    await this.api.call(PortalSubjects.projectsArchive, { session_token: s.token, project_id: id }, req.id);
    seeOther(reply, '/projects');
  }
}
