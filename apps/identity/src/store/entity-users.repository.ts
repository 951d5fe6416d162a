import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { insertRow, updateRow } from './versioned-rows';
import { EntityUserEntity } from './entity-user.entity';

/**
 * The one place that reads and writes `entity_users`. Every function takes the
 * EntityManager of the caller's transaction, so its locks last until that ends.
 */

/** A live user of the entity, locked for update (a user being changed or deleted). */
export function lockLiveForUpdate(m: EntityManager, id: string, entityId: string, projectId: string): Promise<EntityUserEntity | null> {
  return m.getRepository(EntityUserEntity).findOne({
    where: { id, entityId, projectId, status: 'active' },
    lock: { mode: 'pessimistic_write' },
  });
}

/** An active user's role id, its row share-locked; `undefined` when the user is not active in the entity. */
export async function shareLockActiveRoleId(m: EntityManager, id: string, entityId: string): Promise<string | null | undefined> {
  const rows: Array<{ role_id: string | null }> = await m.query(
    "SELECT role_id FROM entity_users WHERE id = $1 AND entity_id = $2 AND status = 'active' FOR SHARE",
    [id, entityId],
  );
  return rows.length ? rows[0].role_id : undefined;
}

/**
 * A user by id alone, as one plain query (the hot read: GET /entity_users/{id}
 * and /me; the caller checks its entity and project). The row is mapped here,
 * without the query builder: on this path TypeORM's own work cost more CPU than
 * the query.
 */
export async function findById(m: EntityManager, id: string): Promise<EntityUserEntity | null> {
  const [row] = await m.query(
    `SELECT id, project_id, entity_id, login, login_key, first_name, last_name, email, phone, title, role_id, status,
            created_by_entity_user_id, version, created_at, updated_at
       FROM entity_users WHERE id = $1`,
    [id],
  );
  if (!row) return null;
  return Object.assign(new EntityUserEntity(), {
    id: row.id,
    projectId: row.project_id,
    entityId: row.entity_id,
    login: row.login,
    loginKey: row.login_key,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    title: row.title,
    roleId: row.role_id,
    status: row.status,
    createdByEntityUserId: row.created_by_entity_user_id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export function insert(m: EntityManager, row: QueryDeepPartialEntity<EntityUserEntity> & { id: string }): Promise<EntityUserEntity> {
  return insertRow(m, EntityUserEntity, row);
}

/** Applies `patch`, bumps the version, and answers the row as stored. */
export function update(m: EntityManager, current: EntityUserEntity, patch: Partial<EntityUserEntity>): Promise<EntityUserEntity> {
  return updateRow(m, EntityUserEntity, current, patch);
}

export function listQuery(m: EntityManager, alias: string): SelectQueryBuilder<EntityUserEntity> {
  return m.getRepository(EntityUserEntity).createQueryBuilder(alias);
}

/** Whether an active user holds this role. */
export async function isRoleHeld(m: EntityManager, roleId: string): Promise<boolean> {
  const rows = await m.query("SELECT 1 FROM entity_users WHERE role_id = $1 AND status = 'active' LIMIT 1", [roleId]);
  return rows.length > 0;
}

export interface EntityUserPolicyRow {
  id: string;
  entity_id: string;
  status: string;
  role_id: string | null;
  created_by_entity_user_id: string | null;
  version: number;
}

/** The user as the policy service's read model keeps it. */
export async function policyState(m: EntityManager, id: string, entityId: string): Promise<EntityUserPolicyRow | null> {
  const [row] = await m.query(
    `SELECT id, entity_id, status, role_id, created_by_entity_user_id, version
       FROM entity_users WHERE id = $1 AND entity_id = $2`,
    [id, entityId],
  );
  return row ?? null;
}

export interface EntityUserLookupRow {
  id: string;
  entity_id: string;
  status: string;
  entity_status: string;
}

/** What auth needs to mint an entity-user token: the user and its entity's status, both in the project. */
export async function lookup(m: EntityManager, id: string, projectId: string): Promise<EntityUserLookupRow | null> {
  const [row] = await m.query(
    `SELECT u.id, u.entity_id, u.status, e.status AS entity_status
       FROM entity_users u JOIN entities e ON e.id = u.entity_id
      WHERE u.id = $1 AND u.project_id = $2 AND e.project_id = $2`,
    [id, projectId],
  );
  return row ?? null;
}
