import { Api } from './identity-fixtures';
import { recordSecret } from './log-audit';
import type { SystemHandle as TestSystem } from './system-handle';

export type Permission = 'allowed' | 'allowed_for_own' | 'not_allowed';

/** A role granting `permission` on every action of the given object types (in their catalogue order). */
export function roleOf(name: string, grants: Record<string, { actions: readonly string[]; permission: Permission }>) {
  return {
    name,
    permissions: {
      objects: Object.entries(grants).map(([object_type, g]) => ({
        object_type,
        actions: g.actions.map((action_name) => ({ action_name, permission: g.permission })),
      })),
    },
  };
}

/** An entity-user token through the entity_user grant, as a partner's backend gets one. */
export async function entityUserToken(sys: TestSystem, cred: { client_id: string; client_secret: string }, userId: string): Promise<string> {
  const res = await sys.http.post('/v1/auth/token', {
    json: { grant_type: 'entity_user', client_id: cred.client_id, client_secret: cred.client_secret, entity_user_id: userId },
  });
  if (res.status !== 200) throw new Error(`entity_user grant: ${res.status} ${res.text}`);
  recordSecret(res.json.access_token);
  return res.json.access_token;
}

/** A user with a new role in the entity, and its token. */
export async function userWithRole(
  sys: TestSystem,
  partnerApi: Api,
  cred: { client_id: string; client_secret: string },
  entityId: string,
  role: unknown,
): Promise<{ user: any; role: any; token: string; api: Api }> {
  const r = await partnerApi.role(entityId, role);
  const user = await partnerApi.user(entityId, { role_id: r.id });
  const token = await entityUserToken(sys, cred, user.id);
  return { user, role: r, token, api: new Api(sys, token) };
}
