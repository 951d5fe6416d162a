import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { insertRow, updateRow } from './versioned-rows';
import { PolicyRoleState, RoleView } from '@gatehouse/contracts';
import { RoleEntity } from './role.entity';

/**
 * The one place that reads and writes `roles`. Every function takes the
 * EntityManager of the caller's transaction, so its locks last until that ends.
 */

/** A live role of the entity, locked for update (a role being changed or deleted). */
export function lockLiveForUpdate(m: EntityManager, id: string, entityId: string, projectId: string): Promise<RoleEntity | null> {
  return m.getRepository(RoleEntity).findOne({
    where: { id, entityId, projectId, status: 'active' },
    lock: { mode: 'pessimistic_write' },
  });
}

/** A live role's permissions, share-locked (it cannot be changed or deleted until the transaction ends), or null. */
export async function shareLockLivePermissions(m: EntityManager, id: string, entityId: string): Promise<RoleView['permissions'] | null> {
  const rows: Array<{ permissions: RoleView['permissions'] }> = await m.query(
    "SELECT permissions FROM roles WHERE id = $1 AND entity_id = $2 AND status = 'active' FOR SHARE",
    [id, entityId],
  );
  return rows[0]?.permissions ?? null;
}

export function findInEntity(m: EntityManager, id: string, entityId: string, projectId: string): Promise<RoleEntity | null> {
  return m.getRepository(RoleEntity).findOneBy({ id, entityId, projectId });
}

export function insert(m: EntityManager, row: QueryDeepPartialEntity<RoleEntity> & { id: string }): Promise<RoleEntity> {
  return insertRow(m, RoleEntity, row);
}

/** Applies `patch`, bumps the version, and answers the row as stored. */
export function update(m: EntityManager, current: RoleEntity, patch: Partial<RoleEntity>): Promise<RoleEntity> {
  return updateRow(m, RoleEntity, current, patch);
}

export function listQuery(m: EntityManager, alias: string): SelectQueryBuilder<RoleEntity> {
  return m.getRepository(RoleEntity).createQueryBuilder(alias);
}

/** Roles of the entity by id, as the policy service's read model keeps them. */
export function policyStates(m: EntityManager, ids: string[], entityId: string): Promise<PolicyRoleState[]> {
  if (!ids.length) return Promise.resolve([]);
  return m.query('SELECT id, entity_id, name, status, permissions, version FROM roles WHERE id = ANY($1::uuid[]) AND entity_id = $2', [
    ids,
    entityId,
  ]);
}
