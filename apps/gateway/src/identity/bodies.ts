import { canonicalId, checkLogin, moniteRef, moniteSchemas } from '@gatehouse/contracts';
import { ValidationIssue, validateRolePermissions } from '@gatehouse/permissions';
import { issue } from '../http/api-error';
import { BodyValidator, bodyValidator, fromReference } from '@gatehouse/platform';
import { isDict, Parsed, parsed } from './validation';

/** A JSON object body, checked against its schema. */
export type Body = Record<string, unknown>;

const schemas = moniteSchemas.components.schemas as Record<string, { properties: Record<string, object> }>;

/** A body the route requires: absent → 422 at ['body'] (missing), as FastAPI answers. */
function requiredBody(check: (body: unknown) => ValidationIssue[], normalise: (body: Body) => Body = (b) => b) {
  return (body: unknown): Parsed<Body> => {
    if (body === undefined) return parsed({}, [issue(['body'], 'Field required', 'missing')]);
    const issues = check(body);
    return issues.length ? parsed({}, issues) : parsed(normalise(body as Body));
  };
}

/** Ids in bodies are sent on in one spelling (lower case, no `urn:uuid:`). */
function canonicalIds(...names: string[]) {
  return (body: Body): Body => {
    const copy = { ...body };
    for (const name of names) if (typeof copy[name] === 'string') copy[name] = canonicalId(copy[name] as string);
    return copy;
  };
}

// ---- entities ---------------------------------------------------------------

const createEntityShape = bodyValidator(moniteRef('CreateEntityRequest'));

/**
 * POST /v1/entities: CreateEntityRequest, plus the rule the reference states in
 * words: an organization needs `organization`, an individual `individual`.
 */
export const parseCreateEntity = requiredBody((body) => {
  const issues = createEntityShape(body);
  if (isDict(body) && (body['type'] === 'organization' || body['type'] === 'individual')) {
    const part = body['type'];
    if (body[part] === undefined || body[part] === null) issues.push(issue(['body', part], 'Field required', 'missing'));
  }
  return issues;
});

/** PATCH /v1/entities/:entity_id: UpdateEntityRequest. */
export const parseUpdateEntity = requiredBody(bodyValidator(moniteRef('UpdateEntityRequest')));

/**
 * PATCH /v1/entities/:entity_id/settings. Our extension, not the reference's
 * PatchSettingsPayload: Gatehouse keeps one entity setting, `default_role_id`
 * (the role of the entity's users who have none; null clears it). Anything
 * else is refused (422 extra_forbidden) rather than silently dropped.
 */
export const parseEntitySettingsPatch = requiredBody(
  bodyValidator({
    type: 'object',
    additionalProperties: false,
    properties: { default_role_id: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }] } },
  }),
  canonicalIds('default_role_id'),
);

// ---- entity users -----------------------------------------------------------

/**
 * The login rule (`checkLogin`, libs/contracts) on top of the schema: no
 * control or invisible characters, no padding, not empty, one script. Its
 * issue is at ['body', 'login'], unless the schema already reported one there.
 * (Identity applies the same rule, stores the login in NFC and keys it case-insensitively.)
 */
function withLoginRule(shape: BodyValidator): BodyValidator {
  return (body) => {
    const issues = shape(body);
    const login = isDict(body) ? body['login'] : undefined;
    const reported = issues.some((i) => i.loc.length === 2 && i.loc[0] === 'body' && i.loc[1] === 'login');
    if (typeof login === 'string' && !reported) {
      const checked = checkLogin(login);
      if (!checked.ok) issues.push(issue(['body', 'login'], checked.msg, checked.type));
    }
    return issues;
  };
}

/** POST /v1/entity_users: CreateEntityUserRequest and the login rule. */
export const parseCreateEntityUser = requiredBody(withLoginRule(bodyValidator(moniteRef('CreateEntityUserRequest'))), canonicalIds('role_id'));

/** PATCH /v1/entity_users/:entity_user_id: UpdateEntityUserRequest and the login rule. */
export const parseUpdateEntityUser = requiredBody(withLoginRule(bodyValidator(moniteRef('UpdateEntityUserRequest'))), canonicalIds('role_id'));

// ---- roles ------------------------------------------------------------------

/**
 * Roles: the reference's CreateRoleRequest / UpdateRoleRequest, except that
 * `permissions` is checked by the permission catalogue
 * (`validateRolePermissions`: object types, each type's own actions,
 * permission values, duplicates), which names the exact location of each
 * problem; the reference's schema for it is looser.
 */
function roleBody(schema: 'CreateRoleRequest' | 'UpdateRoleRequest', required: string[]): BodyValidator {
  const shape = bodyValidator({
    type: 'object',
    additionalProperties: false,
    required,
    properties: { name: fromReference(schemas[schema].properties['name']), permissions: {} },
  });
  return (body) => {
    const issues = shape(body);
    const permissions = isDict(body) ? body['permissions'] : undefined;
    // Absent: reported by the shape when required. Null: "no change" on update, a dict_type issue on create.
    if (permissions !== undefined && !(permissions === null && schema === 'UpdateRoleRequest')) {
      issues.push(...validateRolePermissions(permissions, ['body', 'permissions']));
    }
    return issues;
  };
}

/** POST /v1/roles. */
export const parseCreateRole = requiredBody(roleBody('CreateRoleRequest', ['name', 'permissions']));

/** PATCH /v1/roles/:role_id. */
export const parseUpdateRole = requiredBody(roleBody('UpdateRoleRequest', []));

/** PATCH /v1/entity_users/me: UpdateMeEntityUserRequest (no login, no role_id: a user cannot change those of its own). */
export const parseUpdateMe = requiredBody(bodyValidator(moniteRef('UpdateMeEntityUserRequest')));
