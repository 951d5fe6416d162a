/** Rule-by-rule checks of evaluate(): precedence, role sources, defaults, no allocation. */
import { compilePermissions } from './compile';
import { EffectiveRole, EvaluationQuery, Principal, evaluate } from './evaluate';

const permissions = compilePermissions({
  objects: [
    {
      object_type: 'receivable',
      actions: [
        { action_name: 'read', permission: 'allowed' },
        { action_name: 'update', permission: 'allowed_for_own' },
        { action_name: 'delete', permission: 'not_allowed' },
      ],
    },
  ],
});
const role: EffectiveRole = { source: 'role', roleId: 'r1', permissions };
const user: Principal = { kind: 'entity_user', projectId: 'p1', entityId: 'e1', entityUserId: 'u1' };
const partner: Principal = { kind: 'partner', projectId: 'p1' };

const query = (over: Partial<EvaluationQuery> = {}): EvaluationQuery => ({
  principal: user,
  entityId: 'e1',
  entityProjectId: 'p1',
  objectType: 'receivable',
  action: 'read',
  effectiveRole: role,
  ...over,
});

describe('evaluate: rule precedence', () => {
  it('applies the first failing rule, in the documented order', () => {
    // Every check fails at first; fixing them one at a time reveals the next.
    const q: EvaluationQuery = {
      ...query(),
      action: 'pay',
      partnerOnly: true,
      entityProjectId: 'p2',
      entityId: 'e2',
      userActive: false,
      entityActive: false,
      effectiveRole: null,
    };
    const steps: [Partial<EvaluationQuery>, string][] = [
      [{}, 'unknown_action'],
      [{ action: 'read' }, 'partner_only'],
      [{ partnerOnly: false }, 'other_project'],
      [{ entityProjectId: 'p1' }, 'other_entity'],
      [{ entityId: 'e1' }, 'user_inactive'],
      [{ userActive: true }, 'entity_inactive'],
      [{ entityActive: true }, 'no_role'],
      [{ effectiveRole: role }, 'role:r1:allowed'],
    ];
    for (const [fix, reason] of steps) {
      Object.assign(q, fix);
      expect(evaluate(q).reason).toBe(reason);
    }
  });

  it('decides for a partner before any entity-user check', () => {
    const q = query({ principal: partner, partnerOnly: true, entityId: 'e2', userActive: false, entityActive: false });
    expect(evaluate({ ...q, effectiveRole: null })).toEqual({ allowed: true, scope: 'all', reason: 'partner_root' });
  });
});

describe('evaluate: project and entity scoping', () => {
  it('checks the entity project only when it is known', () => {
    for (const entityProjectId of [undefined, null]) {
      expect(evaluate(query({ principal: partner, entityProjectId })).reason).toBe('partner_root');
      expect(evaluate(query({ entityProjectId })).reason).toBe('role:r1:allowed');
    }
    expect(evaluate(query({ principal: partner, entityProjectId: 'p2' }))).toEqual({
      allowed: false,
      scope: null,
      reason: 'other_project',
    });
  });

  it('lets project-level operations (no target entity) through to the role', () => {
    expect(evaluate(query({ entityId: null, entityProjectId: null })).allowed).toBe(true);
    expect(evaluate(query({ entityId: null, partnerOnly: true })).reason).toBe('partner_only');
  });
});

describe('evaluate: role permission', () => {
  it('allowed grants scope all, on any resource', () => {
    for (const resourceCreatedBy of [undefined, 'u1', 'u2', null]) {
      expect(evaluate(query({ resourceCreatedBy }))).toEqual({ allowed: true, scope: 'all', reason: 'role:r1:allowed' });
    }
  });

  it('allowed_for_own grants scope own for create/list and own resources only', () => {
    const own = { allowed: true, scope: 'own', reason: 'role:r1:allowed_for_own' };
    const notOwner = { allowed: false, scope: null, reason: 'role:r1:allowed_for_own:not_owner' };
    expect(evaluate(query({ action: 'update' }))).toEqual(own);
    expect(evaluate(query({ action: 'update', resourceCreatedBy: 'u1' }))).toEqual(own);
    expect(evaluate(query({ action: 'update', resourceCreatedBy: 'u2' }))).toEqual(notOwner);
    expect(evaluate(query({ action: 'update', resourceCreatedBy: null }))).toEqual(notOwner);
  });

  it('tells an explicit not_allowed from an absent entry', () => {
    expect(evaluate(query({ action: 'delete' }))).toEqual({ allowed: false, scope: null, reason: 'role:r1:not_allowed' });
    expect(evaluate(query({ action: 'create' }))).toEqual({
      allowed: false,
      scope: null,
      reason: 'not_allowed_by_default',
    });
  });

  it('names the role source in the reason', () => {
    const as = (source: EffectiveRole['source'], roleId: string | null, action = 'read', by?: string) =>
      evaluate(query({ action, resourceCreatedBy: by, effectiveRole: { source, roleId, permissions } })).reason;
    expect(as('entity_default', 'd1')).toBe('entity_default_role:d1:allowed');
    expect(as('entity_default', 'd1', 'delete')).toBe('entity_default_role:d1:not_allowed');
    expect(as('project_default', null)).toBe('project_default_role:allowed');
    expect(as('project_default', 'x', 'update')).toBe('project_default_role:allowed_for_own');
    expect(as('project_default', null, 'update', 'u2')).toBe('project_default_role:allowed_for_own:not_owner');
    // The same compiled permissions under another role id keep their own reasons.
    expect(as('role', 'r2')).toBe('role:r2:allowed');
    expect(as('role', 'r1')).toBe('role:r1:allowed');
  });
});

describe('evaluate: hot path', () => {
  it('returns shared, frozen decisions (no allocation per call)', () => {
    for (const over of [{}, { action: 'update' }, { action: 'create' }, { principal: partner }, { userActive: false }]) {
      const first = evaluate(query(over));
      expect(evaluate(query(over))).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
    }
  });

  it('does not let a caller corrupt later decisions', () => {
    const d = evaluate(query()) as { allowed: boolean };
    expect(() => {
      d.allowed = false;
    }).toThrow(TypeError);
    expect(evaluate(query()).allowed).toBe(true);
  });

  it('uses the latest compiled permissions when a role changes', () => {
    const updated = compilePermissions({
      objects: [{ object_type: 'receivable', actions: [{ action_name: 'read', permission: 'not_allowed' }] }],
    });
    expect(evaluate(query({ effectiveRole: { ...role, permissions: updated } })).reason).toBe('role:r1:not_allowed');
    expect(evaluate(query()).reason).toBe('role:r1:allowed');
  });
});
