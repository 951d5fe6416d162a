import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  ByIdRequest,
  CreateRequest,
  EntityListFilters,
  EntitySettingsView,
  EntityView,
  IdentitySubjects,
  ListRequest,
  Page,
  UpdateRequest,
} from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { CurrentPrincipal, Principal } from '../tokens/principal';
import { AccessService, requirePartner } from './access-context.service';
import { Body as JsonBody, parseCreateEntity, parseEntitySettingsPatch, parseUpdateEntity } from './bodies';
import { parseEntityListQuery } from './list-query';
import { parsePathId } from './path-params';
import { ensureValid, Parsed } from './validation';

/**
 * /v1/entities: partner tokens only (an entity-user token gets 403). Each
 * handler: principal check → parse/validate → access context → identity over
 * NATS → the view as identity answers it. The access context names no entity
 * for the collection, the path's entity otherwise.
 */
@Controller('v1/entities')
export class EntitiesController {
  constructor(
    private readonly nats: NatsService,
    private readonly access: AccessService,
  ) {}

  /** 201, as the reference declares. */
  @Post()
  async create(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Body() raw: unknown): Promise<EntityView> {
    requirePartner(principal);
    const body = parseCreateEntity(raw);
    ensureValid(body);
    const access = await this.access.contextFor(principal, null, null, req.id);
    return this.nats.request(IdentitySubjects.entityCreate, { access, body: body.value } satisfies CreateRequest<JsonBody>, { requestId: req.id });
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Query() rawQuery: unknown): Promise<Page<EntityView>> {
    requirePartner(principal);
    const query = parseEntityListQuery(rawQuery);
    ensureValid(query);
    const access = await this.access.contextFor(principal, null, null, req.id);
    return this.nats.request(IdentitySubjects.entityList, { access, ...query.value } satisfies ListRequest<EntityListFilters>, { requestId: req.id });
  }

  @Get(':entity_id')
  get(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Param('entity_id') rawId: string): Promise<EntityView> {
    return this.byId(IdentitySubjects.entityGet, principal, req, rawId);
  }

  @Patch(':entity_id')
  update(
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Param('entity_id') rawId: string,
    @Body() raw: unknown,
  ): Promise<EntityView> {
    return this.updateById(IdentitySubjects.entityUpdate, principal, req, rawId, parseUpdateEntity, raw);
  }

  @Post(':entity_id/activate')
  @HttpCode(200)
  activate(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Param('entity_id') rawId: string): Promise<EntityView> {
    return this.byId(IdentitySubjects.entityActivate, principal, req, rawId);
  }

  @Post(':entity_id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Param('entity_id') rawId: string): Promise<EntityView> {
    return this.byId(IdentitySubjects.entityDeactivate, principal, req, rawId);
  }

  @Get(':entity_id/settings')
  getSettings(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Param('entity_id') rawId: string): Promise<EntitySettingsView> {
    return this.byId(IdentitySubjects.entitySettingsGet, principal, req, rawId);
  }

  /** Body: our `{"default_role_id": uuid | null}` (see parseEntitySettingsPatch), not the reference's PatchSettingsPayload. */
  @Patch(':entity_id/settings')
  updateSettings(
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Param('entity_id') rawId: string,
    @Body() raw: unknown,
  ): Promise<EntitySettingsView> {
    return this.updateById(IdentitySubjects.entitySettingsUpdate, principal, req, rawId, parseEntitySettingsPatch, raw);
  }

  private async byId<T>(subject: string, principal: Principal, req: FastifyRequest, rawId: string): Promise<T> {
    requirePartner(principal);
    const id = parsePathId('entity_id', rawId);
    ensureValid(id);
    const access = await this.access.contextFor(principal, id.value, null, req.id);
    return this.nats.request(subject, { access, id: id.value } satisfies ByIdRequest, { requestId: req.id });
  }

  private async updateById<T>(
    subject: string,
    principal: Principal,
    req: FastifyRequest,
    rawId: string,
    parseBody: (raw: unknown) => Parsed<JsonBody>,
    raw: unknown,
  ): Promise<T> {
    requirePartner(principal);
    const id = parsePathId('entity_id', rawId);
    const body = parseBody(raw);
    ensureValid(id, body);
    const access = await this.access.contextFor(principal, id.value, null, req.id);
    return this.nats.request(subject, { access, id: id.value, body: body.value } satisfies UpdateRequest<JsonBody>, { requestId: req.id });
  }
}
