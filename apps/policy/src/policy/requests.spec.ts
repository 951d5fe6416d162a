import { CheckBatchRequestSchema, CheckRequestSchema, EffectiveRoleRequestSchema } from '@gatehouse/contracts';
import { canonicalCheck } from './requests';

const P = '00000000-0000-4000-8000-00000000000A';
const E = '00000000-0000-4000-8000-0000000000E1';
const U = '00000000-0000-4000-8000-0000000000A1';

/** What the server hands the handler: the contract's parse, then canonicalCheck. */
const check = (value: unknown) => canonicalCheck(CheckRequestSchema.parse(value));
const refused = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) => !schema.safeParse(value).success;

describe('policy request parsing', () => {
  it('lower-cases ids and keeps "no resource" apart from "a resource without creator"', () => {
    const c = check({ principal: { kind: 'entity_user', project_id: P, entity_id: E, entity_user_id: U }, object_type: 'payable', action: 'read' });
    expect(c).toEqual({
      principal: { kind: 'entity_user', project_id: P.toLowerCase(), entity_id: E.toLowerCase(), entity_user_id: U.toLowerCase() },
      entity_id: null,
      object_type: 'payable',
      action: 'read',
      partner_only: false,
    });
    expect('resource_created_by' in c).toBe(false);
    const withNull = check({ principal: { kind: 'partner', project_id: P }, entity_id: E, object_type: 'x', action: 'y', resource_created_by: null });
    expect(withNull.resource_created_by).toBeNull();
    expect(withNull.principal).toEqual({ kind: 'partner', project_id: P.toLowerCase() });
  });

  it('keeps with_ceiling only when it is true, and refuses a non-boolean', () => {
    const base = { principal: { kind: 'partner', project_id: P }, object_type: 'role', action: 'update' };
    expect(check({ ...base, with_ceiling: true }).with_ceiling).toBe(true);
    expect('with_ceiling' in check({ ...base, with_ceiling: false })).toBe(false);
    expect(refused(CheckRequestSchema, { ...base, with_ceiling: 'yes' })).toBe(true);
  });

  it('refuses malformed questions (the server answers invalid_request)', () => {
    expect(refused(CheckRequestSchema, null)).toBe(true);
    expect(refused(CheckRequestSchema, { principal: { kind: 'admin', project_id: P }, object_type: 'a', action: 'b' })).toBe(true);
    expect(refused(CheckRequestSchema, { principal: { kind: 'entity_user', project_id: P }, object_type: 'a', action: 'b' })).toBe(true);
    expect(refused(CheckRequestSchema, { principal: { kind: 'partner', project_id: P }, action: 'b' })).toBe(true);
    expect(refused(CheckRequestSchema, { principal: { kind: 'partner', project_id: P }, object_type: 'a', action: 'b', entity_id: 5 })).toBe(true);
    expect(refused(CheckRequestSchema, { principal: { kind: 'partner', project_id: P }, object_type: 'a', action: 'b', partner_only: 'yes' })).toBe(true);
    expect(refused(EffectiveRoleRequestSchema, { principal: { kind: 'partner' } })).toBe(true);
    expect(refused(CheckBatchRequestSchema, { checks: 'x' })).toBe(true);
    expect(refused(CheckBatchRequestSchema, { checks: [{ principal: { kind: 'partner', project_id: P }, object_type: 'a', action: 'b' }, {}] })).toBe(true);
  });
});
