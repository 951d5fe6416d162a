import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccessContext,
  canonicalId,
  CreateEntityUserBody,
  EntityUserListFilters,
  EntityUserView,
  ErrorCodes,
  IdentityEvents,
  ListRequest,
  Page,
  UpdateEntityUserBody,
} from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { assertMayTouch, conflictOnDuplicate, notFound, requireEntityId } from '../common/record-rules';
import { lockActiveEntity, lockRoleOfEntity, requireEntity } from '../common/entity-guard';
import { EscalationGuard } from '../common/escalation-guard';
import { writeTransaction } from '../common/transaction';
import { applyFilters, withCreatedAt } from '../common/filters';
import { ListService } from '../common/list.service';
import { entityUserView } from '../common/views';
import { InvalidationsService } from '../common/invalidations.service';
import { ReadCache } from '../common/read-cache';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { OutboxService } from '../outbox/outbox.service';
import { EntityUserEntity } from '../store/entity-user.entity';
import * as Entities from '../store/entities.repository';
import * as EntityUsers from '../store/entity-users.repository';
import { loginChange, loginColumns } from './login';

const FILTERS = withCreatedAt({
  id__in: { column: 'id', op: 'in', cast: 'uuid' },
  id__not_in: { column: 'id', op: 'not_in', cast: 'uuid' },
  role_id: { column: 'role_id', op: '=', cast: 'uuid' },
  role_id__in: { column: 'role_id', op: 'in', cast: 'uuid' },
  login: { column: 'login', op: '=' },
  status: { column: 'status', op: '=' },
  first_name: { column: 'first_name', op: '=' },
});

/** Copied as sent on update; `login` goes through the login rule (loginChange). */
const FIELDS: { [K in Exclude<keyof UpdateEntityUserBody, 'login'>]: keyof EntityUserEntity } = {
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  phone: 'phone',
  title: 'title',
  role_id: 'roleId',
};

const DUPLICATE_LOGIN = 'An entity user with this login already exists in the entity';

/** A user as the read cache keeps it: what the read checks (entity, project, creator), and its answer. */
interface CachedUser {
  entityId: string;
  projectId: string;
  createdByEntityUserId: string | null;
  view: EntityUserView;
}

/** An entity as the read cache keeps it for /me: its project and status. */
interface CachedEntityStatus {
  projectId: string;
  status: string;
}

@Injectable()
export class EntityUsersService {
  /** Reads by id (GET /entity_users/{id}, /me): dropped on every change of the user, on any instance (InvalidationsService). */
  private readonly users: ReadCache<CachedUser>;
  /** The entities' status for /me: dropped on every change of the entity (activation, deactivation, update). */
  private readonly entities: ReadCache<CachedEntityStatus>;

  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
    private readonly lists: ListService,
    private readonly invalidations: InvalidationsService,
    @Inject(IDENTITY_CONFIG) config: IdentityConfig,
  ) {
    const opts = { maxEntries: config.IDENTITY_READ_CACHE_MAX_ENTRIES, ttlMs: config.IDENTITY_READ_CACHE_TTL_MS };
    this.users = new ReadCache(opts);
    this.entities = new ReadCache(opts);
    invalidations.register('entity_user', this.users);
    invalidations.register('entity', this.entities);
  }

  async create(access: AccessContext, body: CreateEntityUserBody): Promise<EntityUserView> {
    const login = loginColumns(body.login);
    return this.announce(access, await conflictOnDuplicate(
      () =>
        writeTransaction(this.ds, async (m) => {
          const entityId = await lockActiveEntity(m, access);
          const guard = await EscalationGuard.forWrite(m, access, entityId);
          if (body.role_id) await lockRoleOfEntity(m, entityId, body.role_id, ['body', 'role_id']);
          // The role the new user gets, its own or the default it falls back to, is at most the caller's.
          guard?.refuseUserAbove(await guard.effective(m, entityId, body.role_id ?? null), 'the user would get');
          const id = randomUUID();
          const row = await EntityUsers.insert(m, {
            id,
            projectId: access.project_id,
            entityId,
            ...login,
            firstName: body.first_name,
            lastName: body.last_name ?? null,
            email: body.email ?? null,
            phone: body.phone ?? null,
            title: body.title ?? null,
            roleId: body.role_id ?? null,
            status: 'active',
            createdByEntityUserId: access.actor_entity_user_id,
            version: 1,
          });
          return this.publish(m, row, IdentityEvents.entityUserCreated);
        }),
      DUPLICATE_LOGIN,
    ));
  }

  async get(access: AccessContext, id: string): Promise<EntityUserView> {
    const entityId = canonicalId(requireEntityId(access));
    const user = await this.user(id);
    // A user of another entity or project answers as a missing one.
    if (!user || user.entityId !== entityId || user.projectId !== canonicalId(access.project_id)) throw notFound('Entity user');
    assertMayTouch(access, user);
    return user.view;
  }

  /**
   * GET /entity_users/me: the caller's own record, answered only while the user
   * and its entity are both active (as policy's effective role says `active`),
   * so the gateway asks one question instead of two.
   */
  async me(access: AccessContext, id: string): Promise<EntityUserView> {
    const entityId = canonicalId(requireEntityId(access));
    const projectId = canonicalId(access.project_id);
    if (!access.actor_entity_user_id || canonicalId(access.actor_entity_user_id) !== canonicalId(id)) {
      throw new RpcError(ErrorCodes.forbidden, 'Only the entity user itself is "me"');
    }
    const [user, entity] = await Promise.all([
      this.user(id),
      this.entities.read(entityId, () => Entities.statusById(this.ds.manager, entityId)),
    ]);
    const userActive = user?.view.status === 'active' && user.entityId === entityId && user.projectId === projectId;
    const entityActive = entity?.status === 'active' && entity.projectId === projectId;
    if (!user || !userActive || !entityActive) throw new RpcError(ErrorCodes.forbidden, 'The entity user or its entity is not active');
    return user.view;
  }

  /** Keyed by the id's one spelling (canonicalId): the invalidations name records as the database spells them. */
  private user(rawId: string): Promise<CachedUser | null> {
    const id = canonicalId(rawId);
    return this.users.read(id, async () => {
      const row = await EntityUsers.findById(this.ds.manager, id);
      return row && { entityId: row.entityId, projectId: row.projectId, createdByEntityUserId: row.createdByEntityUserId, view: entityUserView(row) };
    });
  }

  async list(req: ListRequest<EntityUserListFilters>): Promise<Page<EntityUserView>> {
    const entityId = await requireEntity(this.ds.manager, req.access);
    return this.lists.page(req, {
      list: 'entity_users',
      alias: 'u',
      defaultSort: 'created_at',
      query: (state) => {
        const filters = state.filters as EntityUserListFilters;
        const qb = EntityUsers.listQuery(this.ds.manager, 'u')
          .where('u.entity_id = :entity AND u.project_id = :project', { entity: entityId, project: req.access.project_id });
        applyFilters(qb, 'u', { status: 'active', ...filters }, FILTERS);
        if (filters.name__istartswith) {
          qb.andWhere("(u.first_name ILIKE :prefix ESCAPE '\\' OR u.last_name ILIKE :prefix ESCAPE '\\')", {
            prefix: `${escapeLike(filters.name__istartswith)}%`,
          });
        }
        if (req.access.scope === 'own') qb.andWhere('u.created_by_entity_user_id = :actor', { actor: req.access.actor_entity_user_id });
        return qb;
      },
      view: entityUserView,
    });
  }

  async update(access: AccessContext, id: string, body: UpdateEntityUserBody): Promise<EntityUserView> {
    const login = loginChange(body.login);
    return this.announce(access, await conflictOnDuplicate(
      () =>
        writeTransaction(this.ds, async (m) => {
          const entityId = await lockActiveEntity(m, access);
          const current = await this.lockLive(m, access, entityId, id);
          if (body.role_id) await lockRoleOfEntity(m, entityId, body.role_id, ['body', 'role_id']);
          // A user editing its own profile (PATCH /me: no role_id) holds exactly what it holds.
          const guard = isOwnProfile(access, id, body) ? null : await EscalationGuard.forWrite(m, access, entityId);
          if (guard) {
            // Nobody changes a user above them, nor gives a user more than they hold.
            guard.refuseUserAbove(await guard.effective(m, entityId, current.roleId), 'the entity user holds');
            if (body.role_id) guard.refuseUserAbove(await guard.effective(m, entityId, body.role_id), 'the user would get');
          }
          const patch: Partial<EntityUserEntity> = { ...login };
          for (const [field, column] of Object.entries(FIELDS) as Array<[keyof typeof FIELDS, keyof EntityUserEntity]>) {
            if (body[field] !== undefined && body[field] !== null) (patch as any)[column] = body[field];
          }
          return this.publish(m, await EntityUsers.update(m, current, patch), IdentityEvents.entityUserUpdated);
        }),
      DUPLICATE_LOGIN,
    ));
  }

  /** Soft delete: the user stays readable by id with status `deleted`, and leaves the default list. */
  async remove(access: AccessContext, id: string): Promise<void> {
    const view = await writeTransaction(this.ds, async (m) => {
      const entityId = await lockActiveEntity(m, access);
      const current = await this.lockLive(m, access, entityId, id);
      // Nobody deletes a user above them.
      const guard = await EscalationGuard.forWrite(m, access, entityId);
      guard?.refuseUserAbove(await guard.effective(m, entityId, current.roleId), 'the entity user holds');
      return this.publish(m, await EntityUsers.update(m, current, { status: 'deleted' }), IdentityEvents.entityUserDeleted);
    });
    this.announce(access, view);
  }

  private announce(access: AccessContext, view: EntityUserView): EntityUserView {
    this.invalidations.publish({ kind: 'entity_user', id: view.id, entity_id: requireEntityId(access), project_id: access.project_id, version: view.version });
    return view;
  }

  private async lockLive(m: EntityManager, access: AccessContext, entityId: string, id: string): Promise<EntityUserEntity> {
    const row = await EntityUsers.lockLiveForUpdate(m, id, entityId, access.project_id);
    if (!row) throw notFound('Entity user');
    assertMayTouch(access, row);
    return row;
  }

  private async publish(m: EntityManager, row: EntityUserEntity, event: (typeof IdentityEvents)[keyof typeof IdentityEvents]): Promise<EntityUserView> {
    const view = entityUserView(row);
    await this.outbox.add(m, event, { projectId: row.projectId, entityId: row.entityId, id: row.id, version: row.version }, view);
    return view;
  }
}

/** The caller editing its own record without touching its role: nothing to compare. */
function isOwnProfile(access: AccessContext, id: string, body: Record<string, any>): boolean {
  return access.actor_entity_user_id === id && (body.role_id === undefined || body.role_id === null);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
