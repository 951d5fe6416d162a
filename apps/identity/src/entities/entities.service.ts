import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
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
import { EntityEntity, EntitySettingsEntity } from './entity.entity';

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
    @InjectRepository(EntityEntity) private readonly repo: Repository<EntityEntity>,
    private readonly outbox: OutboxService,
    private readonly lists: ListService,
    private readonly invalidations: InvalidationsService,
  ) {}

  create(access: AccessContext, body: CreateEntityBody): Promise<EntityView> {
    return this.ds.transaction(async (m) => {
      const id = randomUUID();
      await m.getRepository(EntityEntity).insert({
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
      await m.query('INSERT INTO entity_settings (entity_id) VALUES ($1)', [id]);
      const row = await m.getRepository(EntityEntity).findOneByOrFail({ id });
      const view = entityView(row);
      await this.outbox.add(m, IdentityEvents.entityCreated, { projectId: row.projectId, entityId: id, id, version: 1 }, view);
      return view;
    });
  }

  async get(access: AccessContext, id: string): Promise<EntityView> {
    const row = await this.repo.findOneBy({ id, projectId: access.project_id });
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
        const qb = this.repo.createQueryBuilder('e').where('e.project_id = :project', { project: req.access.project_id });
        applyFilters(qb, 'e', state.filters as Record<string, unknown>, FILTERS);
        if (req.access.scope === 'own') qb.andWhere('e.created_by_entity_user_id = :actor', { actor: req.access.actor_entity_user_id });
        return qb;
      },
      view: entityView,
    });
  }

  async update(access: AccessContext, id: string, body: UpdateEntityBody): Promise<EntityView> {
    return this.announce(access, await this.ds.transaction(async (m) => {
      const current = await m.getRepository(EntityEntity).findOne({ where: { id, projectId: access.project_id }, lock: { mode: 'pessimistic_write' } });
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
      const current = await m.getRepository(EntityEntity).findOne({ where: { id, projectId: access.project_id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw notFound('Entity');
      if (current.status === status) return entityView(current);
      const event = status === 'active' ? IdentityEvents.entityActivated : IdentityEvents.entityDeactivated;
      return this.save(m, current, { status }, event);
    }));
  }

  async settings(access: AccessContext, id: string): Promise<EntitySettingsView> {
    await this.get(access, id);
    const row = await this.ds.getRepository(EntitySettingsEntity).findOneByOrFail({ entityId: id });
    return settingsView(row);
  }

  async updateSettings(access: AccessContext, id: string, body: EntitySettingsBody): Promise<EntitySettingsView> {
    const view = await this.ds.transaction(async (m) => {
      const entity = await m.getRepository(EntityEntity).findOne({ where: { id, projectId: access.project_id }, lock: { mode: 'pessimistic_read' } });
      if (!entity) throw notFound('Entity');
      const repo = m.getRepository(EntitySettingsEntity);
      const current = await repo.findOne({ where: { entityId: id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw notFound('Entity');
      if (body.default_role_id === undefined) return settingsView(current);
      if (body.default_role_id !== null) await lockRoleOfEntity(m, id, body.default_role_id, ['body', 'default_role_id']);
      await repo.update({ entityId: id }, { defaultRoleId: body.default_role_id, version: current.version + 1, updatedAt: () => 'clock_timestamp()' } as any);
      const row = await repo.findOneByOrFail({ entityId: id });
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

  private async save(m: import('typeorm').EntityManager, current: EntityEntity, patch: Partial<EntityEntity>, event: typeof IdentityEvents[keyof typeof IdentityEvents]): Promise<EntityView> {
    const repo = m.getRepository(EntityEntity);
    await repo.update({ id: current.id }, { ...patch, version: current.version + 1, updatedAt: () => 'clock_timestamp()' } as any);
    const row = await repo.findOneByOrFail({ id: current.id });
    const view = entityView(row);
    await this.outbox.add(m, event, { projectId: row.projectId, entityId: row.id, id: row.id, version: row.version }, view);
    return view;
  }
}

