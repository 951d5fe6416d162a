import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccessContext,
  CreateEntityBody,
  EntitySettingsBody,
  UpdateEntityBody,
  EntityListFilters,
  EntitySettingsView,
  EntityView,
  ErrorCodes,
  IdentityEvents,
  ListRequest,
  Page,
} from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { assertMayTouch, notFound } from '../common/record-rules';
import { lockRoleOfEntity } from '../common/entity-guard';
import { applyFilters, withCreatedAt } from '../common/filters';
import { ListService } from '../common/list.service';
import { entityView, settingsView } from '../common/views';
import { InvalidationsService } from '../common/invalidations.service';
import { OutboxService } from '../outbox/outbox.service';
import { EntityEntity } from '../store/entity.entity';
import * as Entities from '../store/entities.repository';

const FILTERS = withCreatedAt({
  type: { column: 'type', op: '=' },
  id__in: { column: 'id', op: 'in', cast: 'uuid' },
  id__not_in: { column: 'id', op: 'not_in', cast: 'uuid' },
  email: { column: 'email', op: '=' },
  email__in: { column: 'email', op: 'in' },
  email__not_in: { column: 'email', op: 'not_in' },
  status: { column: 'status', op: '=' },
});

/** Scalar columns a PATCH may set; `null` leaves a field as it is. */
const SCALARS: { [K in 'email' | 'phone' | 'website' | 'tax_id' | 'registration_number' | 'registration_authority']: keyof EntityEntity } = {
  email: 'email',
  phone: 'phone',
  website: 'website',
  tax_id: 'taxId',
  registration_number: 'registrationNumber',
  registration_authority: 'registrationAuthority',
};

@Injectable()
export class EntitiesService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
    private readonly lists: ListService,
    private readonly invalidations: InvalidationsService,
  ) {}

  create(access: AccessContext, body: CreateEntityBody): Promise<EntityView> {
    return this.ds.transaction(async (m) => {
      const id = randomUUID();
      const row = await Entities.insert(m, {
        id,
        projectId: access.project_id,
        type: body.type,
        status: 'active',
        email: body.email ?? null,
        phone: body.phone ?? null,
        website: body.website ?? null,
        taxId: body.tax_id ?? null,
        registrationNumber: body.registration_number ?? null,
        registrationAuthority: body.registration_authority ?? null,
        address: body.address,
        // jsonb columns: stored as the contract's schema let them through.
        organization: body.type === 'organization' ? (body.organization as any) : null,
        individual: body.type === 'individual' ? (body.individual as any) : null,
        createdByEntityUserId: access.actor_entity_user_id,
        version: 1,
      });
      const view = entityView(row);
      await this.outbox.add(m, IdentityEvents.entityCreated, { projectId: row.projectId, entityId: id, id, version: 1 }, view);
      return view;
    });
  }

  async get(access: AccessContext, id: string): Promise<EntityView> {
    const row = await Entities.findInProject(this.ds.manager, id, access.project_id);
    if (!row) throw notFound('Entity');
    assertMayTouch(access, row);
    return entityView(row);
  }

  list(req: ListRequest<EntityListFilters>): Promise<Page<EntityView>> {
    return this.lists.page(req, {
      list: 'entities',
      alias: 'e',
      defaultSort: 'created_at',
      query: (state) => {
        const qb = Entities.listQuery(this.ds.manager, 'e').where('e.project_id = :project', { project: req.access.project_id });
        applyFilters(qb, 'e', state.filters as Record<string, unknown>, FILTERS);
        if (req.access.scope === 'own') qb.andWhere('e.created_by_entity_user_id = :actor', { actor: req.access.actor_entity_user_id });
        return qb;
      },
      view: entityView,
    });
  }

  async update(access: AccessContext, id: string, body: UpdateEntityBody): Promise<EntityView> {
    return this.announce(access, await this.ds.transaction(async (m) => {
      const current = await Entities.findInProject(m, id, access.project_id, 'update');
      if (!current) throw notFound('Entity');
      assertMayTouch(access, current);
      const patch: Partial<EntityEntity> = {};
      for (const [field, column] of Object.entries(SCALARS) as Array<[keyof typeof SCALARS, keyof EntityEntity]>) {
        if (body[field] !== undefined && body[field] !== null) (patch as any)[column] = body[field];
      }
      if (body.address) patch.address = { ...current.address, ...body.address } as EntityEntity['address'];
      for (const kind of ['organization', 'individual'] as const) {
        if (!body[kind]) continue;
        if (current.type !== kind) {
          throw new RpcError(ErrorCodes.validationFailed, `${kind} applies only to ${kind} entities`, [
            { loc: ['body', kind], msg: `The entity is of type ${current.type}`, type: 'value_error' },
          ]);
        }
        patch[kind] = { ...(current[kind] ?? {}), ...body[kind] };
      }
      return this.save(m, current, patch, IdentityEvents.entityUpdated);
    }));
  }

  async setStatus(access: AccessContext, id: string, status: 'active' | 'inactive'): Promise<EntityView> {
    return this.announce(access, await this.ds.transaction(async (m) => {
      const current = await Entities.findInProject(m, id, access.project_id, 'update');
      if (!current) throw notFound('Entity');
      if (current.status === status) return entityView(current);
      const event = status === 'active' ? IdentityEvents.entityActivated : IdentityEvents.entityDeactivated;
      return this.save(m, current, { status }, event);
    }));
  }

  async settings(access: AccessContext, id: string): Promise<EntitySettingsView> {
    await this.get(access, id);
    const row = await Entities.findSettings(this.ds.manager, id);
    if (!row) throw notFound('Entity');
    return settingsView(row);
  }

  async updateSettings(access: AccessContext, id: string, body: EntitySettingsBody): Promise<EntitySettingsView> {
    const view = await this.ds.transaction(async (m) => {
      const entity = await Entities.findInProject(m, id, access.project_id, 'share');
      if (!entity) throw notFound('Entity');
      const current = await Entities.findSettings(m, id, 'update');
      if (!current) throw notFound('Entity');
      if (body.default_role_id === undefined) return settingsView(current);
      if (body.default_role_id !== null) await lockRoleOfEntity(m, id, body.default_role_id, ['body', 'default_role_id']);
      const row = await Entities.setDefaultRole(m, current, body.default_role_id);
      const view = settingsView(row);
      await this.outbox.add(m, IdentityEvents.entitySettingsUpdated, { projectId: entity.projectId, entityId: id, id, version: row.version }, view);
      return view;
    });
    this.invalidations.publish({ kind: 'entity_settings', id, entity_id: id, project_id: access.project_id, version: view.version });
    return view;
  }

  private announce(access: AccessContext, view: EntityView): EntityView {
    this.invalidations.publish({ kind: 'entity', id: view.id, entity_id: view.id, project_id: access.project_id, version: view.version });
    return view;
  }

  private async save(m: EntityManager, current: EntityEntity, patch: Partial<EntityEntity>, event: typeof IdentityEvents[keyof typeof IdentityEvents]): Promise<EntityView> {
    const row = await Entities.update(m, current, patch);
    const view = entityView(row);
    await this.outbox.add(m, event, { projectId: row.projectId, entityId: row.id, id: row.id, version: row.version }, view);
    return view;
  }
}

