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
    const [entity] = await this.ds.query(
      `SELECT e.id, e.project_id, e.status, e.version, s.default_role_id, s.version AS settings_version
         FROM entities e JOIN entity_settings s ON s.entity_id = e.id
        WHERE e.id = $1 AND e.project_id = $2`,
      [req.entity_id, req.project_id],
    );
    if (!entity) return { entity: null, user: null, roles: [] };
    let user = null;
    if (isUuid(req.entity_user_id)) {
      [user] = await this.ds.query(
        `SELECT id, entity_id, status, role_id, created_by_entity_user_id, version
           FROM entity_users WHERE id = $1 AND entity_id = $2`,
        [req.entity_user_id, req.entity_id],
      );
    }
    const roleIds = [user?.role_id, entity.default_role_id].filter((id): id is string => !!id);
    const roles: PolicyRoleState[] = roleIds.length
      ? await this.ds.query(
          'SELECT id, entity_id, name, status, permissions, version FROM roles WHERE id = ANY($1::uuid[]) AND entity_id = $2',
          [roleIds, req.entity_id],
        )
      : [];
    return {
      entity: {
        id: entity.id,
        project_id: entity.project_id,
        status: entity.status,
        default_role_id: entity.default_role_id,
        settings_version: entity.settings_version,
        version: entity.version,
      },
      user: user ?? null,
      roles,
    };
  }

  async lookup(req: EntityUserLookupRequest): Promise<EntityUserLookupResponse> {
    if (!isUuid(req?.project_id) || !isUuid(req?.entity_user_id)) return { user: null };
    const [row] = await this.ds.query(
      `SELECT u.id, u.entity_id, u.status, e.status AS entity_status
         FROM entity_users u JOIN entities e ON e.id = u.entity_id
        WHERE u.id = $1 AND u.project_id = $2 AND e.project_id = $2`,
      [req.entity_user_id, req.project_id],
    );
    return { user: row ?? null };
  }
}
