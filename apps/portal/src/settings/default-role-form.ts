import { CATALOGUE, ObjectType, PERMISSIONS } from '@gatehouse/permissions';
import type { Form } from '../http/forms';

type Objects = Array<{ object_type: string; actions: Array<{ action_name: string; permission: string }> }>;

/** The form field of one (object type, action) of the default role. */
export function permissionField(objectType: string, action: string): string {
  return `perm.${objectType}.${action}`;
}

/** The permission a stored default role gives an (object type, action), '' when it does not list it. */
export function currentPermissions(defaultRole: Record<string, unknown> | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const objects = (defaultRole?.permissions as { objects?: Objects } | undefined)?.objects;
  if (!Array.isArray(objects)) return out;
  for (const o of objects) {
    if (!o || typeof o !== 'object' || !Array.isArray(o.actions)) continue;
    for (const a of o.actions) if (a && typeof a.action_name === 'string') out.set(permissionField(o.object_type, a.action_name), String(a.permission));
  }
  return out;
}

/**
 * The default role the settings form describes: the catalogue's (object type, action)
 * pairs the member set, in catalogue order; null when none is set (no default role).
 * Values outside the catalogue's permissions are passed on as given, for auth to refuse
 * with the API's own message.
 */
export function defaultRoleFromForm(form: Form): Record<string, unknown> | null {
  const objects: Objects = [];
  for (const objectType of Object.keys(CATALOGUE) as ObjectType[]) {
    const actions = (CATALOGUE[objectType] as readonly string[])
      .map((action) => ({ action_name: action, permission: form[permissionField(objectType, action)] ?? '' }))
      .filter((a) => a.permission !== '');
    if (actions.length) objects.push({ object_type: objectType, actions });
  }
  if (!objects.length) return null;
  const name = (form.default_role_name ?? '').trim();
  return { ...(name ? { name } : {}), permissions: { objects } };
}

export const PERMISSION_CHOICES: ReadonlyArray<readonly [string, string]> = [
  ['', 'not set'],
  ...PERMISSIONS.map((p) => [p, p.replace(/_/g, ' ')] as const),
];
