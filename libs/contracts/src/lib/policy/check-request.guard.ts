import type { CheckRequest } from './policy.dto';

/**
 * The contract check of policy.v1.check, precompiled by hand. That subject is
 * asked once per entity-user request, and CheckRequestSchema's safeParse costs
 * ~0.5-0.7 µs a message, a few per cent of what policy spends on a check; this
 * test costs a small fraction of that.
 *
 * It only ever accepts: true means CheckRequestSchema accepts the value and
 * returns it unchanged (the schema has no transforms or defaults), so the server
 * may hand the value to the handler as it is. false means "not sure": the server
 * then parses with the schema, which decides and locates the issues. A property
 * test (check-request.guard.spec.ts) holds it to the schema: never true where the
 * schema refuses, and true for every well-formed question.
 */
export function isWellFormedCheckRequest(value: unknown): value is CheckRequest {
  if (!isRecord(value)) return false;
  let principalSeen = false;
  let objectTypeSeen = false;
  let actionSeen = false;
  for (const key of Object.keys(value)) {
    const v = value[key];
    switch (key) {
      case 'principal':
        if (!isPrincipal(v)) return false;
        principalSeen = true;
        break;
      case 'entity_id':
        if (v !== null && !isId(v)) return false;
        break;
      case 'object_type':
        if (!isText(v)) return false;
        objectTypeSeen = true;
        break;
      case 'action':
        if (!isText(v)) return false;
        actionSeen = true;
        break;
      case 'resource_created_by':
        if (v !== null && !isText(v)) return false;
        break;
      case 'partner_only':
      case 'with_ceiling':
        if (v !== null && typeof v !== 'boolean') return false;
        break;
      default:
        return false;
    }
  }
  return principalSeen && objectTypeSeen && actionSeen;
}

/** PolicyPrincipalSchema, its refinement included: an entity user names its entity and itself. */
function isPrincipal(value: unknown): boolean {
  if (!isRecord(value)) return false;
  let kind: unknown;
  let projectSeen = false;
  let userSeen = false;
  let entitySeen = false;
  for (const key of Object.keys(value)) {
    const v = value[key];
    switch (key) {
      case 'kind':
        if (v !== 'partner' && v !== 'entity_user') return false;
        kind = v;
        break;
      case 'project_id':
        if (!isId(v)) return false;
        projectSeen = true;
        break;
      case 'entity_user_id':
        if (!isId(v)) return false;
        userSeen = true;
        break;
      case 'entity_id':
        if (!isId(v)) return false;
        entitySeen = true;
        break;
      default:
        return false;
    }
  }
  return projectSeen && (kind === 'partner' || (kind === 'entity_user' && userSeen && entitySeen));
}

/** A JSON object as JSON.parse makes it (Object's prototype; arrays, class instances, null are not). */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  return Object.getPrototypeOf(value) === Object.prototype;
}

const MAX = 100;
const isId = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= MAX;
const isText = (v: unknown): boolean => typeof v === 'string' && v.length <= MAX;
