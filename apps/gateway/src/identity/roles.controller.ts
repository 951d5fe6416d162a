import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IdentitySubjects, Page, RoleListFilters, RoleView } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { CurrentPrincipal, Principal } from '../tokens/principal';
import { AccessService } from './access-context.service';
import { parseCreateRole, parseUpdateRole } from './bodies';
import { parseRoleListQuery } from './list-query';
import { EntityScopedResource } from './scoped-resource';

/** /v1/roles: entity-scoped (x-monite-entity-id, or the entity-user token's entity). */
@Controller('v1/roles')
export class RolesController {
  private readonly roles: EntityScopedResource<RoleView, RoleListFilters>;

  constructor(nats: NatsService, access: AccessService) {
    this.roles = new EntityScopedResource(nats, access, {
      objectType: 'role',
      idParam: 'role_id',
      subjects: {
        create: IdentitySubjects.roleCreate,
        list: IdentitySubjects.roleList,
        get: IdentitySubjects.roleGet,
        update: IdentitySubjects.roleUpdate,
        delete: IdentitySubjects.roleDelete,
      },
      parseCreate: parseCreateRole,
      parseUpdate: parseUpdateRole,
      parseList: parseRoleListQuery,
    });
  }

  /** 200, not 201: the reference declares 200 for this POST. */
  @Post()
  @HttpCode(200)
  create(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Body() raw: unknown): Promise<RoleView> {
    return this.roles.create(principal, req, raw);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Query() query: unknown): Promise<Page<RoleView>> {
    return this.roles.list(principal, req, query);
  }

  @Get(':role_id')
  get(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Param('role_id') id: string): Promise<RoleView> {
    return this.roles.get(principal, req, id);
  }

  @Patch(':role_id')
  update(
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Param('role_id') id: string,
    @Body() raw: unknown,
  ): Promise<RoleView> {
    return this.roles.update(principal, req, id, raw);
  }

  @Delete(':role_id')
  @HttpCode(204)
  delete(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Param('role_id') id: string): Promise<void> {
    return this.roles.delete(principal, req, id);
  }
}
