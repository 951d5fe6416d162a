import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccessContext, CreateRoleBody, ErrorCodes, IdentityEvents, ListRequest, Page, RoleListFilters, RoleView, UpdateRoleBody } from '@gatehouse/contracts';
import { normalizeRolePermissions, RolePermissionsPayload, validateRolePermissions } from '@gatehouse/permissions';
import { RpcError } from '@gatehouse/platform';
import { assertMayTouch, conflictOnDuplicate, notFound, requireEntityId } from '../common/record-rules';
import { lockActiveEntity, requireEntity } from '../common/entity-guard';
import { EscalationGuard } from '../common/escalation-guard';
import { writeTransaction } from '../common/transaction';
import { applyFilters, withCreatedAt } from '../common/filters';
import { ListService } from '../common/list.service';
import { roleView } from '../common/views';
import { InvalidationsService } from '../common/invalidations.service';
import { OutboxService } from '../outbox/outbox.service';
import { RoleEntity } from '../store/role.entity';
import * as Roles from '../store/roles.repository';
import * as EntityUsers from '../store/entity-users.repository';
import * as Entities from '../store/entities.repository';

const FILTERS = withCreatedAt({
  id__in: { column: 'id', op: 'in', cast: 'uuid' },
  name: { column: 'name', op: '=' },
  created_at: { column: 'created_at', op: '=', cast: 'timestamptz' },
  status: { column: 'status', op: '=' },
});

const DUPLICATE_NAME = 'A role with this name already exists in the entity';

@Injectable()
export class RolesService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
    private readonly lists: ListService,
    private readonly invalidations: InvalidationsService,
  ) {}

  async create(access: AccessContext, body: CreateRoleBody): Promise<RoleView> {
    const permissions = validPermissions(body.permissions);
    return this.announce(access, await conflictOnDuplicate(
      () =>
        writeTransaction(this.ds, async (m) => {
          const entityId = await lockActiveEntity(m, access);
          (await EscalationGuard.forWrite(m, access, entityId))?.refuseAbove(permissions, 'in the role');
          const id = randomUUID();
          const row = await Roles.insert(m, {
            id,
            projectId: access.project_id,
            entityId,
            name: body.name,
            permissions,
            status: 'active',
            createdByEntityUserId: access.actor_entity_user_id,
            version: 1,
          });
          return this.publish(m, row, IdentityEvents.roleCreated);
        }),
      DUPLICATE_NAME,
    ));
  }

  async get(access: AccessContext, id: string): Promise<RoleView> {
    const row = await Roles.findInEntity(this.ds.manager, id, requireEntityId(access), access.project_id);
    if (!row) throw notFound('Role');
    assertMayTouch(access, row);
    return roleView(row);
  }

  async list(req: ListRequest<RoleListFilters>): Promise<Page<RoleView>> {
    const entityId = await requireEntity(this.ds.manager, req.access);
    return this.lists.page(req, {
      list: 'roles',
      alias: 'r',
      defaultSort: 'created_at',
      query: (state) => {
        const qb = Roles.listQuery(this.ds.manager, 'r')
          .where('r.entity_id = :entity AND r.project_id = :project', { entity: entityId, project: req.access.project_id });
        applyFilters(qb, 'r', { status: 'active', ...(state.filters as RoleListFilters) }, FILTERS);
        if (req.access.scope === 'own') qb.andWhere('r.created_by_entity_user_id = :actor', { actor: req.access.actor_entity_user_id });
        return qb;
      },
      view: roleView,
    });
  }

  async update(access: AccessContext, id: string, body: UpdateRoleBody): Promise<RoleView> {
    const permissions = body.permissions === undefined || body.permissions === null ? undefined : validPermissions(body.permissions);
    return this.announce(access, await conflictOnDuplicate(
      () =>
        writeTransaction(this.ds, async (m) => {
          const entityId = await lockActiveEntity(m, access);
          const current = await this.lockLive(m, access, entityId, id);
          // Nobody changes a role above them (a demotion included), nor raises one above themselves.
          const guard = await EscalationGuard.forWrite(m, access, entityId);
          guard?.refuseAbove(current.permissions, 'in the role as it stands');
          if (permissions) guard?.refuseAbove(permissions, 'in the role');
          const patch: Partial<RoleEntity> = {};
          if (body.name) patch.name = body.name;
          if (permissions) patch.permissions = permissions;
          return this.publish(m, await Roles.update(m, current, patch), IdentityEvents.roleUpdated);
        }),
      DUPLICATE_NAME,
    ));
  }

  /**
   * Soft delete, refused (409) while an active user holds the role or it is the
   * entity's default role. The role row is locked first: assignments take a
   * share lock on it, so neither can slip in between the checks and the delete.
   */
  async remove(access: AccessContext, id: string): Promise<void> {
    const view = await writeTransaction(this.ds, async (m) => {
      const entityId = await lockActiveEntity(m, access);
      const current = await this.lockLive(m, access, entityId, id);
      // Nobody deletes a role above them.
      (await EscalationGuard.forWrite(m, access, entityId))?.refuseAbove(current.permissions, 'in the role');
      if (await EntityUsers.isRoleHeld(m, id)) throw new RpcError(ErrorCodes.conflict, 'The role is assigned to active entity users');
      if (await Entities.isSomeDefaultRole(m, id)) throw new RpcError(ErrorCodes.conflict, "The role is the entity's default role");
      return this.publish(m, await Roles.update(m, current, { status: 'deleted' }), IdentityEvents.roleDeleted);
    });
    this.announce(access, view);
  }

  private announce(access: AccessContext, view: RoleView): RoleView {
    this.invalidations.publish({ kind: 'role', id: view.id, entity_id: requireEntityId(access), project_id: access.project_id, version: view.version });
    return view;
  }

  private async lockLive(m: EntityManager, access: AccessContext, entityId: string, id: string): Promise<RoleEntity> {
    const row = await Roles.lockLiveForUpdate(m, id, entityId, access.project_id);
    if (!row) throw notFound('Role');
    assertMayTouch(access, row);
    return row;
  }

  private async publish(m: EntityManager, row: RoleEntity, event: (typeof IdentityEvents)[keyof typeof IdentityEvents]): Promise<RoleView> {
    const view = roleView(row);
    await this.outbox.add(m, event, { projectId: row.projectId, entityId: row.entityId, id: row.id, version: row.version }, view);
    return view;
  }
}

/** The gateway validated the payload; it is checked again here, where it is stored. */
function validPermissions(p: unknown): RolePermissionsPayload {
  const issues = validateRolePermissions(p);
  if (issues.length) throw new RpcError(ErrorCodes.validationFailed, 'Invalid permissions', issues);
  return normalizeRolePermissions(p as RolePermissionsPayload);
}
