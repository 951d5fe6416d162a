import { Injectable } from '@nestjs/common';
import {
  AccessContext,
  AuditEvents,
  CheckRequest,
  CheckResponse,
  EffectiveRoleRequest,
  EffectiveRoleResponse,
  PolicyPrincipal,
  PolicySubjects,
} from '@gatehouse/contracts';
import { Action, ObjectType } from '@gatehouse/permissions';
import { NatsService } from '@gatehouse/platform';
import { AuditPublisherService } from '../audit-trail/audit-publisher.service';
import { denialEntry } from '../audit-trail/denial';
import { ApiError } from '../http/api-error';
import type { Principal } from '../tokens/principal';

/**
 * What a request is about to do, in the permission catalogue's terms: the
 * question asked of the policy service. `null` marks the partner-only routes
 * (`/entities`), where no role applies.
 */
export interface Intent {
  objectType: ObjectType;
  action: Action;
}

/** The AccessContext that travels with every identity request. */
export function accessContext(principal: Principal, entityId: string | null, scope: AccessContext['scope'] = 'all'): AccessContext {
  return {
    project_id: principal.projectId,
    entity_id: entityId,
    actor_entity_user_id: principal.kind === 'entity_user' ? principal.subject : null,
    scope,
  };
}

/** The `/entities` routes answer partner tokens only. */
export function requirePartner(principal: Principal): void {
  if (principal.kind !== 'partner') throw ApiError.message(403, 'Only a partner token may manage entities');
}

export function policyPrincipal(principal: Principal): PolicyPrincipal {
  return principal.kind === 'partner'
    ? { kind: 'partner', project_id: principal.projectId }
    : { kind: 'entity_user', project_id: principal.projectId, entity_user_id: principal.subject, entity_id: principal.entityId ?? undefined };
}

/**
 * The one place where a request's AccessContext is decided. A partner token is
 * root in its project (identity keeps it inside the project). An entity-user
 * token is decided by the policy service: denied → 403 naming the rule,
 * `allowed_for_own` → scope 'own' (identity then limits the operation to the
 * user's own records). No answer in time → 503, never allowed. A write to users
 * or roles asks for the caller's ceiling with the same decision, and it travels
 * with the write: identity's escalation guard checks it in the write's transaction.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly nats: NatsService,
    private readonly audit: AuditPublisherService,
  ) {}

  async contextFor(
    principal: Principal,
    entityId: string | null,
    intent: Intent | null,
    requestId?: string,
    opts: { withCeiling?: boolean } = {},
  ): Promise<AccessContext> {
    if (principal.kind === 'partner') return accessContext(principal, entityId);
    if (!intent) throw ApiError.message(403, 'Only a partner token may do this');
    const question: CheckRequest = { principal: policyPrincipal(principal), entity_id: entityId, object_type: intent.objectType, action: intent.action };
    if (opts.withCeiling) question.with_ceiling = true;
    const decision = await this.nats.request<CheckResponse>(PolicySubjects.check, question, { requestId });
    if (!decision.allowed) {
      this.audit.publish(
        denialEntry(principal, entityId, { object_type: intent.objectType, action: intent.action, reason: decision.reason ?? null }, requestId),
        AuditEvents.denial,
      );
      throw ApiError.message(403, `Not allowed to ${intent.action} ${intent.objectType} (${decision.reason})`);
    }
    const context = accessContext(principal, entityId, decision.scope === 'own' ? 'own' : 'all');
    if (decision.ceiling) context.ceiling = decision.ceiling;
    return context;
  }

  /** The effective role of an entity user (its own, else the entity's, else the project's default). */
  effectiveRole(principal: Principal, requestId?: string): Promise<EffectiveRoleResponse> {
    return this.nats.request<EffectiveRoleResponse>(
      PolicySubjects.effectiveRole,
      { principal: policyPrincipal(principal) } satisfies EffectiveRoleRequest,
      { requestId },
    );
  }
}
