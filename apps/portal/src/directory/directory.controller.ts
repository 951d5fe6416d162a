import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AccessContext,
  AuditLogsPage,
  AuditSubjects,
  EntityUserView,
  EntityView,
  IdentitySubjects,
  Page,
  PortalAccess,
  PortalSubjects,
  RoleView,
} from '@gatehouse/contracts';
import { PageError } from '../http/page-error';
import { sendPage } from '../http/reply';
import { PortalApi } from '../portal/portal-api';
import { findProject } from '../projects/projects.controller';
import { MemberSession, Sessions } from '../session/sessions';
import { auditPage, entitiesPage, entityPage } from './directory.views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** A page token as given back (opaque, bounded): anything else starts from the first page. */
function pageToken(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= 2048 ? v : null;
}

/**
 * Read-only views of what other services hold for a project: identity's entities,
 * users and roles, and audit's project trail. auth says first whether the member may
 * read the project (`access.check`); the portal then asks as the project's partner
 * root, the way the gateway does for a partner token.
 */
@Controller('projects/:id')
export class DirectoryController {
  constructor(
    private readonly api: PortalApi,
    private readonly sessions: Sessions,
  ) {}

  private async access(req: FastifyRequest, s: MemberSession, id: string): Promise<PortalAccess> {
    return this.api.call<PortalAccess>(PortalSubjects.accessCheck, { session_token: s.token, project_id: id }, req.id);
  }

  private root(access: PortalAccess, entityId: string | null): AccessContext {
    return { project_id: access.project_id, entity_id: entityId, actor_entity_user_id: null, scope: 'all' };
  }

  @Get('entities')
  async entities(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('page') token?: string): Promise<void> {
    const s = await this.sessions.require(req);
    const access = await this.access(req, s, id);
    const project = await findProject(this.api, s, id, req.id);
    const page = await this.api.call<Page<EntityView>>(
      IdentitySubjects.entityList,
      { access: this.root(access, null), limit: 50, order: 'desc', sort: 'created_at', pagination_token: pageToken(token), filters: {} },
      req.id,
    );
    sendPage(reply, entitiesPage(s, project, page));
  }

  @Get('entities/:entityId')
  async entity(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Param('entityId') entityId: string): Promise<void> {
    const s = await this.sessions.require(req);
    if (!UUID.test(entityId)) throw new PageError(404, 'There is nothing here, or it is not yours to see.');
    const access = await this.access(req, s, id);
    const project = await findProject(this.api, s, id, req.id);
    const scoped = this.root(access, entityId);
    const list = { access: scoped, limit: 100, order: 'desc', sort: 'updated_at', pagination_token: null, filters: {} };
    const [entity, users, roles] = await Promise.all([
      this.api.call<EntityView>(IdentitySubjects.entityGet, { access: this.root(access, null), id: entityId }, req.id),
      this.api.call<Page<EntityUserView>>(IdentitySubjects.entityUserList, list, req.id),
      this.api.call<Page<RoleView>>(IdentitySubjects.roleList, list, req.id),
    ]);
    sendPage(reply, entityPage(s, project, entity, users, roles));
  }

  @Get('audit')
  async audit(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<void> {
    const s = await this.sessions.require(req);
    const access = await this.access(req, s, id);
    const project = await findProject(this.api, s, id, req.id);
    const type = query.type === 'request' || query.type === 'response' ? query.type : '';
    const since = typeof query.since === 'string' && LOCAL_DATETIME.test(query.since) ? query.since : '';
    const until = typeof query.until === 'string' && LOCAL_DATETIME.test(query.until) ? query.until : '';
    const iso = (v: string) => (v ? new Date(`${v.length === 16 ? `${v}:00` : v}Z`).toISOString() : null);
    const page = await this.api.call<AuditLogsPage>(
      AuditSubjects.logsList,
      {
        project_id: access.project_id,
        entity_id: null,
        actor_entity_user_id: null,
        filters: { type: type || null, entity_user_id: null, timestamp__gt: null, timestamp__gte: iso(since), timestamp__lt: null, timestamp__lte: iso(until) },
        page_size: 50,
        pagination_token: pageToken(query.page),
      },
      req.id,
    );
    sendPage(reply, auditPage(s, project, page, { type, since, until }));
  }
}
