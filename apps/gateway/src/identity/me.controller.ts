import { Body, Controller, Get, Patch, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EntityUserView, EntityView, Headers, IdentitySubjects, RoleView } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { ApiError } from '../http/api-error';
import { CurrentPrincipal, Principal } from '../tokens/principal';
import { accessContext, AccessService } from './access-context.service';
import { parseUpdateEntity, parseUpdateMe } from './bodies';
import { resolveEntityId } from './entity-header';
import { ensureValid } from './validation';

/**
 * The caller's own records, for entity-user tokens only: `/entity_users/me`,
 * `/my_role` (the effective role, its source said), `/my_entity`. A deleted
 * user or an inactive entity is refused here as everywhere.
 */
@Controller('v1/entity_users')
export class MeController {
  constructor(
    private readonly nats: NatsService,
    private readonly access: AccessService,
  ) {}

  /** One message: identity answers the user only while it and its entity are active (403 otherwise), as policy's effective role would say. */
  @Get('me')
  me(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest): Promise<EntityUserView> {
    const entityId = this.entityOf(principal, req);
    return this.nats.request(IdentitySubjects.entityUserMe, { access: accessContext(principal, entityId), id: principal.subject }, { requestId: req.id });
  }

  @Patch('me')
  async updateMe(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Body() raw: unknown): Promise<EntityUserView> {
    const body = parseUpdateMe(raw);
    ensureValid(body);
    const entityId = await this.activeUser(principal, req);
    return this.nats.request(
      IdentitySubjects.entityUserUpdate,
      { access: accessContext(principal, entityId), id: principal.subject, body: body.value },
      { requestId: req.id },
    );
  }

  /** The role that decides for the caller, and where it comes from (`source`: role, entity_default, project_default, none). */
  @Get('my_role')
  async myRole(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest) {
    const entityId = this.entityOf(principal, req);
    const effective = await this.access.effectiveRole(principal, req.id);
    if (!effective.active) throw ApiError.message(403, 'The entity user or its entity is not active');
    if (effective.role_id) {
      const role = await this.nats.request<RoleView>(
        IdentitySubjects.roleGet,
        { access: accessContext(principal, entityId), id: effective.role_id },
        { requestId: req.id },
      );
      return { ...role, source: effective.source };
    }
    return { id: null, name: effective.name, permissions: effective.permissions, status: 'active', source: effective.source };
  }

  @Get('my_entity')
  async myEntity(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest): Promise<EntityView> {
    const entityId = this.entityOf(principal, req);
    const access = await this.access.contextFor(principal, entityId, { objectType: 'entity', action: 'read' }, req.id);
    return this.nats.request(IdentitySubjects.entityGet, { access, id: entityId }, { requestId: req.id });
  }

  @Patch('my_entity')
  async updateMyEntity(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Body() raw: unknown): Promise<EntityView> {
    const body = parseUpdateEntity(raw);
    ensureValid(body);
    const entityId = this.entityOf(principal, req);
    const access = await this.access.contextFor(principal, entityId, { objectType: 'entity', action: 'update' }, req.id);
    return this.nats.request(IdentitySubjects.entityUpdate, { access, id: entityId, body: body.value }, { requestId: req.id });
  }

  private entityOf(principal: Principal, req: FastifyRequest): string {
    if (principal.kind !== 'entity_user' || !principal.entityId) {
      throw ApiError.message(403, 'Only an entity-user token has a "me"');
    }
    const entity = resolveEntityId(principal, req.headers[Headers.entityId]);
    ensureValid(entity);
    return entity.value;
  }

  private async activeUser(principal: Principal, req: FastifyRequest): Promise<string> {
    const entityId = this.entityOf(principal, req);
    const effective = await this.access.effectiveRole(principal, req.id);
    if (!effective.active) throw ApiError.message(403, 'The entity user or its entity is not active');
    return entityId;
  }
}
