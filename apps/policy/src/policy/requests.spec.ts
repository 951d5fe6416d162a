import { RpcError } from '@gatehouse/platform';
import { parseBatch, parseCheck, parsePrincipal } from './requests';

const P = '00000000-0000-4000-8000-00000000000A';
const E = '00000000-0000-4000-8000-0000000000E1';
const U = '00000000-0000-4000-8000-0000000000A1';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof RpcError ? e.code : 'other';
  }
  return 'none';
};

describe('policy request parsing', () => {
  it('lower-cases ids and keeps "no resource" apart from "a resource without creator"', () => {
    const c = parseCheck({ principal: { kind: 'entity_user', project_id: P, entity_id: E, entity_user_id: U }, object_type: 'payable', action: 'read' });
    expect(c).toEqual({
      principal: { kind: 'entity_user', project_id: P.toLowerCase(), entity_id: E.toLowerCase(), entity_user_id: U.toLowerCase() },
      entity_id: null,
      object_type: 'payable',
      action: 'read',
      partner_only: false,
    });
    expect('resource_created_by' in c).toBe(false);
    const withNull = parseCheck({ principal: { kind: 'partner', project_id: P }, entity_id: E, object_type: 'x', action: 'y', resource_created_by: null });
    expect(withNull.resource_created_by).toBeNull();
    expect(withNull.principal).toEqual({ kind: 'partner', project_id: P.toLowerCase() });
  });

  it('keeps with_ceiling only when it is true, and refuses a non-boolean', () => {
    const base = { principal: { kind: 'partner', project_id: P }, object_type: 'role', action: 'update' };
    expect(parseCheck({ ...base, with_ceiling: true }).with_ceiling).toBe(true);
    expect('with_ceiling' in parseCheck({ ...base, with_ceiling: false })).toBe(false);
    expect(codeOf(() => parseCheck({ ...base, with_ceiling: 'yes' }))).toBe('validation_failed');
  });

  it('refuses malformed questions with validation_failed', () => {
    expect(codeOf(() => parseCheck(null))).toBe('validation_failed');
    expect(codeOf(() => parseCheck({ principal: { kind: 'admin', project_id: P }, object_type: 'a', action: 'b' }))).toBe('validation_failed');
    expect(codeOf(() => parseCheck({ principal: { kind: 'entity_user', project_id: P }, object_type: 'a', action: 'b' }))).toBe('validation_failed');
    expect(codeOf(() => parseCheck({ principal: { kind: 'partner', project_id: P }, action: 'b' }))).toBe('validation_failed');
    expect(codeOf(() => parseCheck({ principal: { kind: 'partner', project_id: P }, object_type: 'a', action: 'b', entity_id: 5 }))).toBe('validation_failed');
    expect(codeOf(() => parseCheck({ principal: { kind: 'partner', project_id: P }, object_type: 'a', action: 'b', partner_only: 'yes' }))).toBe('validation_failed');
    expect(codeOf(() => parsePrincipal({ kind: 'partner' }))).toBe('validation_failed');
    expect(codeOf(() => parseBatch({ checks: 'x' }, 10))).toBe('validation_failed');
    expect(codeOf(() => parseBatch({ checks: new Array(11).fill({}) }, 10))).toBe('validation_failed');
    expect(codeOf(() => parseBatch({ checks: [{ principal: { kind: 'partner', project_id: P }, object_type: 'a', action: 'b' }, {}] }, 10))).toBe(
      'validation_failed',
    );
  });
});
