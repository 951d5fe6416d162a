import { Reasons, roleReason } from '@gatehouse/permissions';
import { ruleOf } from './decision.metrics';

describe('policy decision metrics: the rule label', () => {
  const roleId = '0b6f8c1e-0d6c-4c55-9a36-6b1c1d8f6a10';

  it('keeps the kind of a role rule and drops its role id', () => {
    expect(ruleOf(roleReason('role', roleId, 'allowed'))).toBe('role');
    expect(ruleOf(roleReason('entity_default', roleId, 'allowed_for_own', true))).toBe('entity_default_role');
    expect(ruleOf(roleReason('project_default', null, 'allowed'))).toBe('project_default_role');
    expect(ruleOf(roleReason('role', roleId, 'allowed'))).not.toContain(roleId);
  });

  it('keeps the fixed reasons and folds anything else into other', () => {
    expect(ruleOf(Reasons.PARTNER_ROOT)).toBe('partner_root');
    expect(ruleOf('entity_not_found')).toBe('entity_not_found');
    expect(ruleOf(`user:${roleId}`)).toBe('other');
  });
});
