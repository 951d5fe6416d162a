import { EntityManager } from 'typeorm';
import { AccessContext, ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { notFound, requireEntityId } from './record-rules';
import * as Entities from '../store/entities.repository';
import * as Roles from '../store/roles.repository';

/**
 * Inside a write transaction on an entity's users or roles: the entity must be
 * the caller's project's and active. The row is share-locked, so a concurrent
 * deactivation waits for this write (or this write sees it and refuses with 409).
 * An entity of another project answers exactly as a missing one.
 */
export async function lockActiveEntity(m: EntityManager, access: AccessContext): Promise<string> {
  const entityId = requireEntityId(access);
  const status = await Entities.shareLockStatus(m, entityId, access.project_id);
  if (status === null) throw notFound('Entity');
  if (status !== 'active') {
    throw new RpcError(ErrorCodes.conflict, 'The entity is not active: its users and roles are read-only');
  }
  return entityId;
}

/** For reads: the entity exists in the caller's project. */
export async function requireEntity(m: EntityManager, access: AccessContext): Promise<string> {
  const entityId = requireEntityId(access);
  if (!(await Entities.existsInProject(m, entityId, access.project_id))) throw notFound('Entity');
  return entityId;
}

/** A live role of this entity, share-locked so it cannot be deleted while it is being assigned. */
export async function lockRoleOfEntity(m: EntityManager, entityId: string, roleId: string, field: string[]): Promise<void> {
  if ((await Roles.shareLockLivePermissions(m, roleId, entityId)) === null) {
    throw new RpcError(ErrorCodes.validationFailed, 'Role not found in this entity', [
      { loc: field, msg: 'Role not found in this entity', type: 'value_error' },
    ]);
  }
}
