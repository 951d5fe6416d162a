import { randomUUID } from 'node:crypto';
import { Action, CATALOGUE, compilePermissions, Decision, EffectiveRole, evaluate, EvaluationQuery, ObjectType, RolePermissionsPayload } from '@gatehouse/permissions';
import { median } from './load';

export interface EvaluateCase {
  name: string;
  /** The decision every call returns (checked once, so a broken case shows). */
  decision: string;
  /** Median over the repetitions. */
  nsPerCheck: number;
  /** Every repetition, ns per check. */
  runs: number[];
}

/** The bench's role: entity_user read and role read allowed. */
export const BENCH_ROLE_PERMISSIONS: RolePermissionsPayload = {
  objects: [
    { object_type: 'entity_user', actions: [{ action_name: 'read', permission: 'allowed' }] },
    { object_type: 'role', actions: [{ action_name: 'read', permission: 'allowed' }] },
  ],
};

/** A role listing every (object type, action) of the catalogue, allowed: the largest table a role can have. */
function fullCatalogueRole(): RolePermissionsPayload {
  return {
    objects: (Object.entries(CATALOGUE) as Array<[ObjectType, readonly Action[]]>).map(([object_type, actions]) => ({
      object_type,
      actions: actions.map((action_name) => ({ action_name, permission: 'allowed' as const })),
    })),
  };
}

/** Keeps the optimiser from dropping the calls. */
let sink = 0;

function time(iterations: number, body: () => Decision): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (body().allowed) sink++;
  return Number(process.hrtime.bigint() - t0) / iterations;
}

/**
 * ns per evaluate() call: `warmup` calls, then `repetitions` timed runs of
 * `iterations` calls each (median reported). In-process, one core, no I/O.
 */
export function measureEvaluate(iterations: number, repetitions: number, warmup: number): EvaluateCase[] {
  const projectId = randomUUID();
  const entityId = randomUUID();
  const userId = randomUUID();
  const roleId = randomUUID();
  const role: EffectiveRole = { source: 'role', roleId, permissions: compilePermissions(BENCH_ROLE_PERMISSIONS) };
  const bigRole: EffectiveRole = { source: 'role', roleId, permissions: compilePermissions(fullCatalogueRole()) };
  const principal = { kind: 'entity_user' as const, projectId, entityId, entityUserId: userId };
  const query = (effectiveRole: EffectiveRole, objectType: string, action: string): EvaluationQuery => ({
    principal,
    entityId,
    entityProjectId: projectId,
    objectType,
    action,
    resourceCreatedBy: undefined,
    effectiveRole,
    userActive: true,
    entityActive: true,
    partnerOnly: undefined,
  });
  const allowed = query(role, 'entity_user', 'read');
  const notGranted = query(role, 'payable', 'approve');
  const big = query(bigRole, 'entity_user', 'read');
  // The shape policy's decideForUser builds per check: a fresh principal and query object each time.
  let req = { entity_id: entityId, object_type: 'entity_user', action: 'read' };
  const fresh = (): Decision =>
    evaluate({
      principal: { kind: 'entity_user', projectId, entityId, entityUserId: userId },
      entityId: req.entity_id ?? entityId,
      entityProjectId: projectId,
      objectType: req.object_type,
      action: req.action,
      resourceCreatedBy: undefined,
      effectiveRole: role,
      userActive: true,
      entityActive: true,
      partnerOnly: undefined,
    });

  const cases: Array<{ name: string; body: () => Decision }> = [
    { name: 'evaluate(), role allows (entity_user.read), same query object', body: () => evaluate(allowed) },
    { name: 'evaluate(), pair not in the role (payable.approve → denied)', body: () => evaluate(notGranted) },
    { name: 'evaluate(), role listing the whole catalogue, entity_user.read', body: () => evaluate(big) },
    { name: 'evaluate() with a fresh principal + query object per call (as policy builds one)', body: fresh },
  ];
  const results: EvaluateCase[] = [];
  for (const c of cases) {
    time(warmup, c.body);
    const runs: number[] = [];
    for (let r = 0; r < repetitions; r++) {
      // A new request object now and then, so the fresh-object case cannot be hoisted.
      req = { ...req };
      runs.push(time(iterations, c.body));
    }
    const d = c.body();
    results.push({ name: c.name, decision: `${d.allowed ? 'allowed' : 'denied'} (${d.reason})`, nsPerCheck: median(runs), runs });
  }
  if (sink < 0) process.stderr.write(String(sink));
  return results;
}
