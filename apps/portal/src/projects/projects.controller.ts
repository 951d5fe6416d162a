import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PortalCredentialsListResponse, PortalProjectsListResponse, PortalProjectView, PortalSubjects, PortalTokenTryResult, ProjectSettings } from '@gatehouse/contracts';
import { PORTAL_CONFIG, PortalConfig } from '../config';
import { field } from '../http/forms';
import { PageError } from '../http/page-error';
import { seeOther, sendPage } from '../http/reply';
import { LoginBrake } from '../login/login-brake';
import { PortalApi } from '../portal/portal-api';
import { MemberSession, Sessions } from '../session/sessions';
import { overviewPage, projectsPage } from './projects.views';
import { tokenEndpointAnswer, TokenTried } from './token-try';

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
    @Inject(LoginBrake) private readonly brake: LoginBrake,
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
    await this.sendOverview(req, reply, id, typeof pair === 'string' ? pair : undefined);
  }

  /**
   * "Try it": the chosen pair and its pasted secret, minted by auth as the token
   * endpoint mints (auth.v1.portal.token.try: developer or owner, a pair of this
   * project), shown on the overview. The secret is in this request's body only: never
   * logged, never rendered back. Wrong secrets feed the login brake, per (pair, address).
   */
  @Post(':id/try')
  async tryToken(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const s = await this.sessions.require(req);
    const clientId = field(req.body, 'client_id').trim();
    const secret = field(req.body, 'client_secret').trim();
    if (!clientId || !secret) throw new PageError(400, "Choose a credential pair and paste its client secret.");
    const brakeKey = `try:${clientId.toLowerCase()}`;
    const wait = await this.brake.retryAfter(brakeKey, req.ip);
    if (wait > 0) {
      const minutes = Math.max(1, Math.ceil(wait / 60));
      throw new PageError(429, `Too many wrong secrets for this pair. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, { 'retry-after': String(wait) });
    }
    const result = await this.api.call<PortalTokenTryResult>(PortalSubjects.tokenTry, { session_token: s.token, project_id: id, client_id: clientId, client_secret: secret }, req.id);
    if (result.outcome === 'refused' && result.error.code === 'invalid_client') await this.brake.recordFailure(brakeKey, req.ip);
    await this.sendOverview(req, reply, id, clientId, tokenEndpointAnswer(clientId, result), s);
  }

  /** The answer's address, reloaded or bookmarked: the overview (a try is a POST, never repeated by a GET). */
  @Get(':id/try')
  tryAgain(@Res() reply: FastifyReply, @Param('id') id: string): void {
    seeOther(reply, projectPath(id));
  }

  private async sendOverview(req: FastifyRequest, reply: FastifyReply, id: string, pair?: string, tried?: TokenTried, known?: MemberSession): Promise<void> {
    const s = known ?? (await this.sessions.require(req));
    const project = await findProject(this.api, s, id, req.id);
    const [{ credentials }, settings] = await Promise.all([
      this.api.call<PortalCredentialsListResponse>(PortalSubjects.credentialsList, { session_token: s.token, project_id: id }, req.id),
      this.api.call<ProjectSettings>(PortalSubjects.settingsGet, { session_token: s.token, project_id: id }, req.id),
    ]);
    sendPage(reply, overviewPage(s, project, credentials, settings, this.config.PORTAL_API_URL, pair, tried));
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
