import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { insertRow, updateRow } from './versioned-rows';
import { EntityEntity, EntitySettingsEntity } from './entity.entity';

/**
 * The one place that reads and writes the entity aggregate: `entities` and its
 * one `entity_settings` row. Every function takes the EntityManager of the
 * caller's transaction (or the DataSource's manager for a plain read), so the
 * locks it takes last until that transaction ends.
 */

/** How a read locks the row: not at all, `FOR SHARE` (others may read, nobody may change it), `FOR UPDATE`. */
export type RowLock = 'none' | 'share' | 'update';

const LOCK_MODES = { share: 'pessimistic_read', update: 'pessimistic_write' } as const;

export function findInProject(m: EntityManager, id: string, projectId: string, lock: RowLock = 'none'): Promise<EntityEntity | null> {
  return m.getRepository(EntityEntity).findOne({
    where: { id, projectId },
    ...(lock === 'none' ? {} : { lock: { mode: LOCK_MODES[lock] } }),
  });
}

/** The entity's status, share-locked, or null when it is not in the project. */
export async function shareLockStatus(m: EntityManager, id: string, projectId: string): Promise<string | null> {
  const rows: Array<{ status: string }> = await m.query('SELECT status FROM entities WHERE id = $1 AND project_id = $2 FOR SHARE', [
    id,
    projectId,
  ]);
  return rows[0]?.status ?? null;
}

/** An entity's project and status by id alone, one plain query (the hot read of GET /entity_users/me). */
export async function statusById(m: EntityManager, id: string): Promise<{ projectId: string; status: string } | null> {
  const [row] = await m.query('SELECT project_id, status FROM entities WHERE id = $1', [id]);
  return row ? { projectId: row.project_id, status: row.status } : null;
}

export async function existsInProject(m: EntityManager, id: string, projectId: string): Promise<boolean> {
  const rows = await m.query('SELECT 1 FROM entities WHERE id = $1 AND project_id = $2', [id, projectId]);
  return rows.length > 0;
}

/** A new entity and its settings row (no default role), in one transaction. */
export async function insert(m: EntityManager, row: QueryDeepPartialEntity<EntityEntity> & { id: string }): Promise<EntityEntity> {
  const entity = await insertRow(m, EntityEntity, row);
  await m.query('INSERT INTO entity_settings (entity_id) VALUES ($1)', [row.id]);
  return entity;
}

/** Applies `patch`, bumps the version, and answers the row as stored. */
export function update(m: EntityManager, current: EntityEntity, patch: Partial<EntityEntity>): Promise<EntityEntity> {
  return updateRow(m, EntityEntity, current, patch);
}

export function listQuery(m: EntityManager, alias: string): SelectQueryBuilder<EntityEntity> {
  return m.getRepository(EntityEntity).createQueryBuilder(alias);
}

export function findSettings(m: EntityManager, entityId: string, lock: RowLock = 'none'): Promise<EntitySettingsEntity | null> {
  return m.getRepository(EntitySettingsEntity).findOne({
    where: { entityId },
    ...(lock === 'none' ? {} : { lock: { mode: LOCK_MODES[lock] } }),
  });
}

export async function setDefaultRole(m: EntityManager, current: EntitySettingsEntity, roleId: string | null): Promise<EntitySettingsEntity> {
  const repo = m.getRepository(EntitySettingsEntity);
  await repo.update(
    { entityId: current.entityId },
    { defaultRoleId: roleId, version: current.version + 1, updatedAt: () => 'clock_timestamp()' } as any,
  );
  return repo.findOneByOrFail({ entityId: current.entityId });
}

/** The entity's default role id, its settings row share-locked until the transaction ends. */
export async function shareLockDefaultRoleId(m: EntityManager, entityId: string): Promise<string | null> {
  const rows: Array<{ default_role_id: string | null }> = await m.query(
    'SELECT default_role_id FROM entity_settings WHERE entity_id = $1 FOR SHARE',
    [entityId],
  );
  return rows[0]?.default_role_id ?? null;
}

/** Whether some entity's settings name this role as the default. */
export async function isSomeDefaultRole(m: EntityManager, roleId: string): Promise<boolean> {
  const rows = await m.query('SELECT 1 FROM entity_settings WHERE default_role_id = $1 LIMIT 1', [roleId]);
  return rows.length > 0;
}

export interface EntityPolicyRow {
  id: string;
  project_id: string;
  status: string;
  version: number;
  default_role_id: string | null;
  settings_version: number;
}

/** The entity and its settings as the policy service's read model keeps them. */
export async function policyState(m: EntityManager, id: string, projectId: string): Promise<EntityPolicyRow | null> {
  const [row] = await m.query(
    `SELECT e.id, e.project_id, e.status, e.version, s.default_role_id, s.version AS settings_version
       FROM entities e JOIN entity_settings s ON s.entity_id = e.id
      WHERE e.id = $1 AND e.project_id = $2`,
    [id, projectId],
  );
  return row ?? null;
}
