import { EntityManager } from 'typeorm';
import { AccessContext, ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { notFound, requireEntityId } from './record-rules';

/**
 * Inside a write transaction on an entity's users or roles: the entity must be
 * the caller's project's and active. The row is share-locked, so a concurrent
 * deactivation waits for this write (or this write sees it and refuses with 409).
 * An entity of another project answers exactly as a missing one.
 */
export async function lockActiveEntity(m: EntityManager, access: AccessContext): Promise<string> {
  const entityId = requireEntityId(access);
  const rows: Array<{ status: string }> = await m.query(
    'SELECT status FROM entities WHERE id = $1 AND project_id = $2 FOR SHARE',
    [entityId, access.project_id],
  );
  if (!rows.length) throw notFound('Entity');
  if (rows[0].status !== 'active') {
    throw new RpcError(ErrorCodes.conflict, 'The entity is not active: its users and roles are read-only');
  }
  return entityId;
}

/** For reads: the entity exists in the caller's project. */
export async function requireEntity(m: EntityManager, access: AccessContext): Promise<string> {
  const entityId = requireEntityId(access);
  const rows = await m.query('SELECT 1 FROM entities WHERE id = $1 AND project_id = $2', [entityId, access.project_id]);
  if (!rows.length) throw notFound('Entity');
  return entityId;
}

/** A live role of this entity, share-locked so it cannot be deleted while it is being assigned. */
export async function lockRoleOfEntity(m: EntityManager, entityId: string, roleId: string, field: string[]): Promise<void> {
  const rows = await m.query("SELECT 1 FROM roles WHERE id = $1 AND entity_id = $2 AND status = 'active' FOR SHARE", [roleId, entityId]);
  if (!rows.length) {
    throw new RpcError(ErrorCodes.validationFailed, 'Role not found in this entity', [
      { loc: field, msg: 'Role not found in this entity', type: 'value_error' },
    ]);
  }
}
