import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
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

export async function insert(m: EntityManager, row: QueryDeepPartialEntity<RoleEntity> & { id: string }): Promise<RoleEntity> {
  await m.getRepository(RoleEntity).insert(row);
  return m.getRepository(RoleEntity).findOneByOrFail({ id: row.id });
}

/** Applies `patch`, bumps the version, and answers the row as stored. */
export async function update(m: EntityManager, current: RoleEntity, patch: Partial<RoleEntity>): Promise<RoleEntity> {
  const repo = m.getRepository(RoleEntity);
  await repo.update({ id: current.id }, { ...patch, version: current.version + 1, updatedAt: () => 'clock_timestamp()' } as any);
  return repo.findOneByOrFail({ id: current.id });
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
