import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  EntityUserLookupRequest,
  EntityUserLookupResponse,
  isUuid,
  PolicyRoleState,
  PolicyStateRequest,
  PolicyStateResponse,
} from '@gatehouse/contracts';
import * as Entities from '../store/entities.repository';
import * as EntityUsers from '../store/entity-users.repository';
import * as Roles from '../store/roles.repository';

/**
 * Read-only answers for the other services: what the policy service needs to
 * decide for one user (entity, user, the user's role and the entity's default
 * role, with their versions) and what auth needs to mint an entity-user token.
 * Always from the database, never from a cache: these are the cache fills.
 */
@Injectable()
export class PolicyStateService {
  constructor(private readonly ds: DataSource) {}

  async state(req: PolicyStateRequest): Promise<PolicyStateResponse> {
    if (!isUuid(req?.project_id) || !isUuid(req?.entity_id)) return { entity: null, user: null, roles: [] };
    const m = this.ds.manager;
    const entity = await Entities.policyState(m, req.entity_id, req.project_id);
    if (!entity) return { entity: null, user: null, roles: [] };
    const user = isUuid(req.entity_user_id) ? await EntityUsers.policyState(m, req.entity_user_id, req.entity_id) : null;
    const roleIds = [user?.role_id, entity.default_role_id].filter((id): id is string => !!id);
    const roles: PolicyRoleState[] = await Roles.policyStates(m, roleIds, req.entity_id);
    return {
      entity: {
        id: entity.id,
        project_id: entity.project_id,
        status: entity.status,
        default_role_id: entity.default_role_id,
        settings_version: entity.settings_version,
        version: entity.version,
      },
      user,
      roles,
    } as PolicyStateResponse;
  }

  async lookup(req: EntityUserLookupRequest): Promise<EntityUserLookupResponse> {
    if (!isUuid(req?.project_id) || !isUuid(req?.entity_user_id)) return { user: null };
    return { user: await EntityUsers.lookup(this.ds.manager, req.entity_user_id, req.project_id) } as EntityUserLookupResponse;
  }
}
