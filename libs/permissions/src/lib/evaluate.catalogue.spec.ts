/**
 * evaluate() over the WHOLE catalogue: every object type, every one of its
 * actions, every permission a role can hold for it (or none), in every
 * situation. Expectations come from the rules, written out below, not from
 * the implementation's output.
 */
import { CATALOGUE, OBJECT_TYPES, ObjectType } from './catalogue';
import { CompiledPermissions, compilePermissions } from './compile';
import { EvaluationQuery, evaluate } from './evaluate';
import { PERMISSIONS, Permission } from './permission';
import { RolePermissionsPayload } from './role-permissions';

const PROJECT = 'proj-1';
const ENTITY = 'ent-1';
const ME = 'user-1';
const SOMEONE_ELSE = 'user-2';
const ROLE_ID = 'role-1';

/** What the role holds for the pair under test: a permission, or no entry at all. */
type Held = Permission | 'absent';
const HELD: Held[] = [...PERMISSIONS, 'absent'];

interface Expected {
  allowed: boolean;
  scope: 'all' | 'own' | null;
  reason: string;
}
const allow = (scope: 'all' | 'own', reason: string): Expected => ({ allowed: true, scope, reason });
const deny = (reason: string): Expected => ({ allowed: false, scope: null, reason });

// Rule 4, per held permission, for: no specific resource (create/list), the
// user's own resource, and another user's resource.
type Resource = 'none' | 'own' | 'others';
const BY_ROLE: Record<Held, Record<Resource, Expected>> = {
  allowed: {
    none: allow('all', `role:${ROLE_ID}:allowed`),
    own: allow('all', `role:${ROLE_ID}:allowed`),
    others: allow('all', `role:${ROLE_ID}:allowed`),
  },
  allowed_for_own: {
    none: allow('own', `role:${ROLE_ID}:allowed_for_own`),
    own: allow('own', `role:${ROLE_ID}:allowed_for_own`),
    others: deny(`role:${ROLE_ID}:allowed_for_own:not_owner`),
  },
  not_allowed: {
    none: deny(`role:${ROLE_ID}:not_allowed`),
    own: deny(`role:${ROLE_ID}:not_allowed`),
    others: deny(`role:${ROLE_ID}:not_allowed`),
  },
  absent: {
    none: deny('not_allowed_by_default'),
    own: deny('not_allowed_by_default'),
    others: deny('not_allowed_by_default'),
  },
};

/**
 * The role for one test. With 'absent', the role grants every OTHER action of
 * the catalogue as allowed, so only the missing entry can explain a denial.
 */
function roleFor(t: ObjectType, a: string, held: Held): CompiledPermissions {
  const payload =
    held === 'absent'
      ? {
          objects: OBJECT_TYPES.map((ot) => ({
            object_type: ot,
            actions: CATALOGUE[ot]
              .filter((x) => !(ot === t && x === a))
              .map((action_name) => ({ action_name, permission: 'allowed' })),
          })),
        }
      : { objects: [{ object_type: t, actions: [{ action_name: a, permission: held }] }] };
  return compilePermissions(payload as RolePermissionsPayload);
}

/** An entity user of ENTITY in PROJECT, acting on ENTITY, with the role. */
const userQuery = (t: string, a: string, permissions: CompiledPermissions): EvaluationQuery => ({
  principal: { kind: 'entity_user', projectId: PROJECT, entityId: ENTITY, entityUserId: ME },
  entityId: ENTITY,
  entityProjectId: PROJECT,
  objectType: t,
  action: a,
  effectiveRole: { source: 'role', roleId: ROLE_ID, permissions },
});
const partner = { kind: 'partner', projectId: PROJECT } as const;

interface Scenario {
  name: string;
  query: (q: EvaluationQuery) => EvaluationQuery;
  expect: (held: Held) => Expected;
}

const SCENARIOS: Scenario[] = [
  // Rule 2: partners.
  { name: 'partner, same project', query: (q) => ({ ...q, principal: partner }), expect: () => allow('all', 'partner_root') },
  {
    name: "partner, another user's resource",
    query: (q) => ({ ...q, principal: partner, resourceCreatedBy: SOMEONE_ELSE }),
    expect: () => allow('all', 'partner_root'),
  },
  {
    name: 'partner, partner-only operation',
    query: (q) => ({ ...q, principal: partner, partnerOnly: true }),
    expect: () => allow('all', 'partner_root'),
  },
  {
    name: 'partner, other project',
    query: (q) => ({ ...q, principal: partner, entityProjectId: 'proj-2' }),
    expect: () => deny('other_project'),
  },
  // Rule 3: entity users outside their reach.
  { name: 'user, partner-only operation', query: (q) => ({ ...q, partnerOnly: true }), expect: () => deny('partner_only') },
  {
    name: 'user, other project',
    query: (q) => ({ ...q, entityId: 'ent-9', entityProjectId: 'proj-2' }),
    expect: () => deny('other_project'),
  },
  { name: 'user, other entity', query: (q) => ({ ...q, entityId: 'ent-2' }), expect: () => deny('other_entity') },
  { name: 'user inactive', query: (q) => ({ ...q, userActive: false }), expect: () => deny('user_inactive') },
  { name: 'entity inactive', query: (q) => ({ ...q, entityActive: false }), expect: () => deny('entity_inactive') },
  { name: 'no role', query: (q) => ({ ...q, effectiveRole: null }), expect: () => deny('no_role') },
  // Rule 4: the role decides.
  { name: 'user, no resource', query: (q) => q, expect: (h) => BY_ROLE[h].none },
  {
    name: 'user, explicitly active, no resource',
    query: (q) => ({ ...q, userActive: true, entityActive: true, partnerOnly: false }),
    expect: (h) => BY_ROLE[h].none,
  },
  {
    name: 'user, project-level operation',
    query: (q) => ({ ...q, entityId: null, entityProjectId: undefined }),
    expect: (h) => BY_ROLE[h].none,
  },
  { name: 'user, own resource', query: (q) => ({ ...q, resourceCreatedBy: ME }), expect: (h) => BY_ROLE[h].own },
  {
    name: "user, another user's resource",
    query: (q) => ({ ...q, resourceCreatedBy: SOMEONE_ELSE }),
    expect: (h) => BY_ROLE[h].others,
  },
  {
    name: 'user, resource with no recorded creator',
    query: (q) => ({ ...q, resourceCreatedBy: null }),
    expect: (h) => BY_ROLE[h].others,
  },
];

describe.each(OBJECT_TYPES)('evaluate over the catalogue: %s', (t) => {
  const cases = CATALOGUE[t].flatMap((a) => HELD.map((held) => [a, held] as const));

  test.each(cases)(`${t}:%s with the role holding %s`, (a, held) => {
    const base = userQuery(t, a, roleFor(t, a, held));
    for (const s of SCENARIOS) {
      const { allowed, scope, reason } = evaluate(s.query(base));
      // The scenario name rides along so a failure says which one broke.
      expect({ scenario: s.name, allowed, scope, reason }).toEqual({ scenario: s.name, ...s.expect(held) });
    }
  });
});
