import { EntityManager } from 'typeorm';
import { AccessContext, ErrorCodes, RoleView } from '@gatehouse/contracts';
import {
  CompiledPermissions,
  compilePermissions,
  findEscalation,
  normalizeRolePermissions,
  RolePermissionsPayload,
} from '@gatehouse/permissions';
import { RpcError } from '@gatehouse/platform';
import * as Entities from '../store/entities.repository';
import * as EntityUsers from '../store/entity-users.repository';
import * as Roles from '../store/roles.repository';

type Permissions = RoleView['permissions'];

/** Where a user's effective role comes from: its own, its entity's default, the project's default, or none. */
export type RoleSource = 'role' | 'entity_default' | 'project_default' | 'none';

export interface EffectivePermissions {
  source: RoleSource;
  permissions: Permissions;
}

const NOTHING: Permissions = Object.freeze({ objects: [] }) as Permissions;

const SOURCE_WORDS: Record<RoleSource, string> = {
  role: 'its role',
  entity_default: "the entity's default role",
  project_default: "the project's default role",
  none: 'no role',
};

/**
 * No privilege escalation, decided where the records are, inside the write's
 * transaction. An entity user may write a user or a role only when every
 * permission involved is at most its own (`not_allowed` < `allowed_for_own` <
 * `allowed`): the role it creates or gives, the role a user falls back to without
 * one (the entity's default, else the project's), and the current permissions of
 * the user or role it changes or deletes — so no one demotes or deletes those
 * above them. Partner tokens are root in their project: no guard.
 *
 * Nothing it compares can change before the write commits: the caller's own
 * standing (its user row, its role or the default it falls back to) is read from
 * share-locked rows and must equal the permissions the policy decision that
 * allowed the write was made on (else 409: decided on a standing that has since
 * moved), and so are the target's rows. Two writers locking each other's rows
 * deadlock, and PostgreSQL ends one: `writeTransaction` runs it again.
 */
export class EscalationGuard {
  private constructor(
    private readonly held: CompiledPermissions,
    private readonly projectDefault: Permissions | null,
  ) {}

  /**
   * The guard for this write, or null for a partner. An entity user's write must
   * carry the ceiling its policy decision answered: without it, refused.
   */
  static async forWrite(m: EntityManager, access: AccessContext, entityId: string): Promise<EscalationGuard | null> {
    if (access.actor_entity_user_id === null) return null;
    const c = access.ceiling;
    if (!c || !isPermissions(c.permissions) || (c.project_default !== null && !isPermissions(c.project_default))) {
      throw new RpcError(ErrorCodes.forbidden, "An entity user's write to users or roles needs the caller's permissions from the policy decision");
    }
    const callerRoleId = await EntityUsers.shareLockActiveRoleId(m, access.actor_entity_user_id, entityId);
    if (callerRoleId === undefined) throw new RpcError(ErrorCodes.forbidden, 'The entity user is not active in this entity');
    const held = await effectivePermissions(m, entityId, callerRoleId, c.project_default);
    if (canonical(held.permissions) !== canonical(c.permissions)) {
      throw new RpcError(ErrorCodes.conflict, 'Your permissions changed while this request was being decided; try again');
    }
    return new EscalationGuard(compilePermissions(held.permissions as RolePermissionsPayload), c.project_default);
  }

  /** A user's effective permissions, from share-locked rows (see `effectivePermissions`). */
  effective(m: EntityManager, entityId: string, roleId: string | null): Promise<EffectivePermissions> {
    return effectivePermissions(m, entityId, roleId, this.projectDefault);
  }

  /** 403 naming the first permission in `permissions` above the caller's; `what` says whose they are. */
  refuseAbove(permissions: Permissions | RolePermissionsPayload, what: string): void {
    const over = findEscalation(permissions as RolePermissionsPayload, this.held);
    if (over) {
      throw new RpcError(
        ErrorCodes.forbidden,
        `Privilege escalation: ${over.object_type}.${over.action_name} is ${over.requested} ${what}, but ${over.held} for you`,
      );
    }
  }

  /** The same for a user's effective role, saying where it comes from. */
  refuseUserAbove(effective: EffectivePermissions, whose: 'the user would get' | 'the entity user holds'): void {
    this.refuseAbove(effective.permissions, `in ${SOURCE_WORDS[effective.source]}, which ${whose}`);
  }
}

/**
 * A user's effective permissions as the policy service resolves them: its own
 * live role of the entity, else the entity's default role, else the project's
 * default role (auth's, passed in), else nothing. The roles and the entity's
 * settings row are share-locked until the transaction ends.
 */
export async function effectivePermissions(
  m: EntityManager,
  entityId: string,
  roleId: string | null,
  projectDefault: Permissions | null,
): Promise<EffectivePermissions> {
  if (roleId) {
    const own = await Roles.shareLockLivePermissions(m, roleId, entityId);
    if (own) return { source: 'role', permissions: own };
  }
  const defaultRoleId = await Entities.shareLockDefaultRoleId(m, entityId);
  if (defaultRoleId) {
    const def = await Roles.shareLockLivePermissions(m, defaultRoleId, entityId);
    if (def) return { source: 'entity_default', permissions: def };
  }
  if (projectDefault) return { source: 'project_default', permissions: projectDefault };
  return { source: 'none', permissions: NOTHING };
}

/** One spelling of a permissions payload, for comparing two (order and absent lists do not count). */
function canonical(p: Permissions): string {
  return JSON.stringify(normalizeRolePermissions(p as RolePermissionsPayload));
}

function isPermissions(p: unknown): p is Permissions {
  return typeof p === 'object' && p !== null && Array.isArray((p as Permissions).objects);
}
