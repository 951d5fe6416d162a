import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  CheckRequest,
  CheckResponse,
  EffectiveRoleResponse,
  ErrorCodes,
  isUuid,
  PolicyPrincipal,
} from '@gatehouse/contracts';
import { isActionOf } from '@gatehouse/permissions';
import { LOGGER, RpcError } from '@gatehouse/platform';
import { ReadModel } from '../read-model/read-model';
import type { ProjectDefaultRole, SubjectState } from '../read-model/state';
import { recordDecision, recordUnavailable } from './decision.metrics';
import { activity, decideForPartner, decideForUser, ownOrEntityRole, resolveRole } from './decide';

const NOTHING: SubjectState = Object.freeze({ entity: null, user: null, roles: new Map() });

/**
 * Answers "may this principal do X?" from the read model. Fails closed: when
 * identity or auth cannot be asked, the answer is the error `unavailable`,
 * never a decision.
 */
@Injectable()
export class PolicyService {
  constructor(
    private readonly model: ReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async check(req: CheckRequest, requestId?: string): Promise<CheckResponse> {
    try {
      const decision = await this.decide(req, requestId);
      recordDecision(decision);
      return decision;
    } catch (err) {
      throw this.failClosed(err, requestId);
    }
  }

  /** Every answer or none: a batch with one question that cannot be decided is `unavailable` as a whole. */
  async checkBatch(reqs: CheckRequest[], requestId?: string): Promise<CheckResponse[]> {
    try {
      // Questions about the same (project, entity, user) share one fetch (the read model coalesces).
      const decisions = await Promise.all(reqs.map((r) => this.decide(r, requestId)));
      for (const d of decisions) recordDecision(d);
      return decisions;
    } catch (err) {
      throw this.failClosed(err, requestId);
    }
  }

  async effectiveRole(principal: PolicyPrincipal, requestId?: string): Promise<EffectiveRoleResponse> {
    if (principal.kind !== 'entity_user') {
      throw new RpcError(ErrorCodes.forbidden, 'Only an entity user has an effective role; a partner token is root in its project');
    }
    try {
      const state = await this.subject(principal, requestId);
      const { userActive, entityActive } = activity(state, principal);
      const own = ownOrEntityRole(state);
      const role = own ?? resolveRole(state, state.entity ? await this.projectDefault(principal.project_id, requestId) : null);
      return {
        source: role.source,
        role_id: role.roleId,
        name: role.name,
        permissions: role.permissions,
        active: userActive && entityActive,
      };
    } catch (err) {
      throw this.failClosed(err, requestId);
    }
  }

  private async decide(req: CheckRequest, requestId?: string): Promise<CheckResponse> {
    const p = req.principal;
    // Nothing to fetch for a pair the catalogue does not have: it is never granted.
    if (!isActionOf(req.object_type, req.action)) return decideForPartner({ ...req, entity_id: null }, null);
    if (p.kind === 'partner') {
      if (req.entity_id == null) return decideForPartner(req, null);
      const entity = isUuid(p.project_id) && isUuid(req.entity_id) ? await this.model.entity(p.project_id, req.entity_id, requestId) : null;
      return decideForPartner(req, entity?.project_id ?? null);
    }
    const state = await this.subject(p, requestId);
    let role = ownOrEntityRole(state);
    let projectDefault: ProjectDefaultRole | null | undefined;
    if (role === undefined || req.with_ceiling) {
      // Only ask auth for the project default when it can matter.
      const { userActive, entityActive } = activity(state, p);
      const matters = userActive && entityActive && !req.partner_only && (req.entity_id == null || req.entity_id === p.entity_id);
      projectDefault = matters ? await this.projectDefault(p.project_id, requestId) : null;
      role ??= resolveRole(state, projectDefault);
    }
    const decision = decideForUser(req, state, role);
    if (!req.with_ceiling || !decision.allowed) return decision;
    // What the caller holds, for identity's escalation guard (see EscalationCeiling).
    return { ...decision, ceiling: { permissions: role.permissions, project_default: projectDefault?.permissions ?? null } };
  }

  private subject(p: PolicyPrincipal, requestId?: string): Promise<SubjectState> {
    const { project_id: projectId, entity_id: entityId, entity_user_id: userId } = p;
    // Ids are UUIDs: anything else names nothing, so there is nothing to ask identity.
    if (!isUuid(projectId) || !isUuid(entityId) || !isUuid(userId)) return Promise.resolve(NOTHING);
    return this.model.subject(projectId, entityId, userId, requestId);
  }

  private projectDefault(projectId: string, requestId?: string): Promise<ProjectDefaultRole | null> {
    return isUuid(projectId) ? this.model.projectDefaultRole(projectId, requestId) : Promise.resolve(null);
  }

  private failClosed(err: unknown, requestId?: string): RpcError {
    if (err instanceof RpcError) return err;
    recordUnavailable();
    this.logger.warn({ request_id: requestId, err: (err as Error)?.message ?? String(err) }, 'policy state unavailable');
    return new RpcError(ErrorCodes.unavailable, 'Policy state unavailable');
  }
}
