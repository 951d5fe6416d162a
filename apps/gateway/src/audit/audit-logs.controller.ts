import { Controller, Get, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditLogsListRequest, AuditLogsPage, AuditSubjects, canonicalId, Headers } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { ApiError } from '../http/api-error';
import { resolveEntityId } from '../identity/entity-header';
import { CurrentPrincipal, Principal } from '../tokens/principal';
import { parseAuditQuery } from './audit-query';

/**
 * GET /v1/audit_logs (docs/AUDIT.md). With `x-monite-entity-id` (or an entity-user
 * token): the entity's trail, Monite's endpoint; a partner sees all of it, an entity
 * user only what it triggered. A partner token without the header: the project
 * trail (our extension): tokens, credentials, keys, settings, RBAC denials.
 */
@Controller('v1/audit_logs')
export class AuditLogsController {
  constructor(private readonly nats: NatsService) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Query() query: unknown): Promise<AuditLogsPage> {
    const raw = req.headers[Headers.entityId];
    const projectTrail = principal.kind === 'partner' && raw === undefined;
    const entity = projectTrail ? null : resolveEntityId(principal, raw);
    const q = parseAuditQuery(query);
    const issues = [...(entity?.issues ?? []), ...q.issues];
    if (issues.length) throw ApiError.validation(issues);
    const request: AuditLogsListRequest = {
      project_id: principal.projectId,
      entity_id: entity ? entity.value : null,
      actor_entity_user_id: principal.kind === 'entity_user' ? canonicalId(principal.subject) : null,
      // entity_user_id is a partner's filter: an entity user sees its own entries whatever it asks.
      filters: principal.kind === 'partner' ? q.value.filters : { ...q.value.filters, entity_user_id: null },
      page_size: q.value.page_size,
      pagination_token: q.value.pagination_token,
    };
    return this.nats.request<AuditLogsPage>(AuditSubjects.logsList, request, { requestId: req.id });
  }
}
