import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EntityUserListFilters, EntityUserView, IdentitySubjects, Page } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { CurrentPrincipal, Principal } from '../tokens/principal';
import { AccessService } from './access-context.service';
import { parseCreateEntityUser, parseUpdateEntityUser } from './bodies';
import { parseEntityUserListQuery } from './list-query';
import { EntityScopedResource } from './scoped-resource';

/**
 * /v1/entity_users: entity-scoped (x-monite-entity-id, or the entity-user
 * token's entity). `/me`, `/my_role` and `/my_entity` are MeController's
 * static routes, which Fastify matches before `:entity_user_id`.
 */
@Controller('v1/entity_users')
export class EntityUsersController {
  private readonly users: EntityScopedResource<EntityUserView, EntityUserListFilters>;

  constructor(nats: NatsService, access: AccessService) {
    this.users = new EntityScopedResource(nats, access, {
      objectType: 'entity_user',
      idParam: 'entity_user_id',
      subjects: {
        create: IdentitySubjects.entityUserCreate,
        list: IdentitySubjects.entityUserList,
        get: IdentitySubjects.entityUserGet,
        update: IdentitySubjects.entityUserUpdate,
        delete: IdentitySubjects.entityUserDelete,
      },
      parseCreate: parseCreateEntityUser,
      parseUpdate: parseUpdateEntityUser,
      parseList: parseEntityUserListQuery,
    });
  }

  /** 200, not 201: the reference declares 200 for this POST. */
  @Post()
  @HttpCode(200)
  create(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Body() raw: unknown): Promise<EntityUserView> {
    return this.users.create(principal, req, raw);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Query() query: unknown): Promise<Page<EntityUserView>> {
    return this.users.list(principal, req, query);
  }

  @Get(':entity_user_id')
  get(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Param('entity_user_id') id: string): Promise<EntityUserView> {
    return this.users.get(principal, req, id);
  }

  @Patch(':entity_user_id')
  update(
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Param('entity_user_id') id: string,
    @Body() raw: unknown,
  ): Promise<EntityUserView> {
    return this.users.update(principal, req, id, raw);
  }

  @Delete(':entity_user_id')
  @HttpCode(204)
  delete(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Param('entity_user_id') id: string): Promise<void> {
    return this.users.delete(principal, req, id);
  }
}
