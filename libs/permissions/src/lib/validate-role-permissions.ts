import { isActionOf, isObjectType } from './catalogue';
import { isPermission } from './permission';

/** One problem in a request body, FastAPI/pydantic style. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

type Loc = readonly (string | number)[];
type Report = (loc: Loc, type: string, msg: string) => void;
type Dict = Record<string, unknown>;

// The reference schema says additionalProperties: false at every level.
const PAYLOAD_KEYS: ReadonlySet<string> = new Set(['objects']);
const OBJECT_KEYS: ReadonlySet<string> = new Set(['object_type', 'actions']);
const ACTION_KEYS: ReadonlySet<string> = new Set(['action_name', 'permission']);

const MSG = {
  missing: 'Field required',
  dict: 'Input should be a valid dictionary or object',
  list: 'Input should be a valid list',
  string: 'Input should be a valid string',
  extra: 'Extra inputs are not permitted',
  permission: "Input should be 'not_allowed', 'allowed_for_own' or 'allowed'",
} as const;

/**
 * Checks an untrusted role permissions payload. Returns every issue found
 * (empty = valid), each with the exact location of the offending value.
 * Missing `objects` / `actions` lists mean "empty" and are valid.
 */
export function validateRolePermissions(
  payload: unknown,
  loc: (string | number)[] = ['body', 'permissions'],
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const report: Report = (at, type, msg) => issues.push({ loc: [...at], msg, type });

  if (payload === undefined) {
    report(loc, 'missing', MSG.missing);
  } else if (isDict(payload)) {
    if (Object.hasOwn(payload, 'objects')) {
      const objects = payload['objects'];
      const at = [...loc, 'objects'];
      if (!Array.isArray(objects)) report(at, 'list_type', MSG.list);
      else {
        const seen = new Set<string>();
        objects.forEach((entry, i) => checkObject(entry, [...at, i], seen, report));
      }
    }
    checkExtraKeys(payload, PAYLOAD_KEYS, loc, report);
  } else {
    report(loc, 'dict_type', MSG.dict);
  }
  return issues;
}

/** One `{object_type, actions}` entry; `seen` holds the object types met so far. */
function checkObject(entry: unknown, at: Loc, seen: Set<string>, report: Report): void {
  if (!isDict(entry)) return report(at, 'dict_type', MSG.dict);

  // The object type, when known, decides which action names are valid below.
  let objectType: string | null = null;
  const typeAt = [...at, 'object_type'];
  const value = entry['object_type'];
  if (!Object.hasOwn(entry, 'object_type')) report(typeAt, 'missing', MSG.missing);
  else if (typeof value !== 'string') report(typeAt, 'string_type', MSG.string);
  else if (!isObjectType(value)) report(typeAt, 'enum', `Unknown object type ${quote(value)}`);
  else {
    objectType = value;
    if (seen.has(value)) report(typeAt, 'value_error', `Duplicate object type ${quote(value)}`);
    seen.add(value);
  }

  if (Object.hasOwn(entry, 'actions')) {
    const actions = entry['actions'];
    const actionsAt = [...at, 'actions'];
    if (!Array.isArray(actions)) report(actionsAt, 'list_type', MSG.list);
    else {
      const seenActions = new Set<string>();
      actions.forEach((a, k) => checkAction(a, [...actionsAt, k], objectType, seenActions, report));
    }
  }
  checkExtraKeys(entry, OBJECT_KEYS, at, report);
}

/**
 * One `{action_name, permission}` entry. When the object type is unknown or
 * invalid (already reported), action names can't be checked against it, but
 * everything else still is.
 */
function checkAction(a: unknown, at: Loc, objectType: string | null, seen: Set<string>, report: Report): void {
  if (!isDict(a)) return report(at, 'dict_type', MSG.dict);

  const nameAt = [...at, 'action_name'];
  const name = a['action_name'];
  if (!Object.hasOwn(a, 'action_name')) report(nameAt, 'missing', MSG.missing);
  else if (typeof name !== 'string') report(nameAt, 'string_type', MSG.string);
  else if (objectType !== null && !isActionOf(objectType, name)) {
    report(nameAt, 'enum', `Action ${quote(name)} is not an action of object type ${quote(objectType)}`);
  } else {
    if (seen.has(name)) report(nameAt, 'value_error', `Duplicate action ${quote(name)}`);
    seen.add(name);
  }

  const permissionAt = [...at, 'permission'];
  const permission = a['permission'];
  if (!Object.hasOwn(a, 'permission')) report(permissionAt, 'missing', MSG.missing);
  else if (typeof permission !== 'string') report(permissionAt, 'string_type', MSG.string);
  else if (!isPermission(permission)) report(permissionAt, 'enum', MSG.permission);

  checkExtraKeys(a, ACTION_KEYS, at, report);
}

function checkExtraKeys(value: Dict, allowed: ReadonlySet<string>, at: Loc, report: Report): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) report([...at, key], 'extra_forbidden', MSG.extra);
  }
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Quotes user input for a message, cut short so a huge value can't bloat the response. */
function quote(s: string): string {
  return `'${s.length > 64 ? `${s.slice(0, 61)}...` : s}'`;
}
