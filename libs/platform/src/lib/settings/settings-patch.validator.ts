import {
  ACCESS_TOKEN_TTL_MAX,
  ACCESS_TOKEN_TTL_MIN,
  API_RATE_LIMIT_MAX,
  API_RATE_LIMIT_MIN,
  moniteSchemas,
  ProjectSettings,
} from '@gatehouse/contracts';
import { ValidationIssue, validateRolePermissions } from '@gatehouse/permissions';
import { bodyValidator, closedReference } from '../http/json-schema';

const reference = moniteSchemas.components.schemas['PartnerProjectSettingsPayload-Input'] as {
  properties: Record<string, object>;
};

/**
 * PATCH /v1/settings: the reference's PartnerProjectSettingsPayload, plus our
 * extensions `access_token_ttl` (seconds, 60..86400) and `api_rate_limit` (requests
 * per second, 1..100000; docs/RATE-LIMITS.md). Unlike the reference, an
 * unknown field is a 422 rather than silently dropped, at any level (`mail`,
 * `payments`... are closed too): a typo in a security setting must not pass for
 * success, and nothing unvalidated is stored.
 */
const validateShape = bodyValidator({
  type: 'object',
  additionalProperties: false,
  properties: {
    ...closedReference(reference.properties),
    access_token_ttl: {
      anyOf: [{ type: 'integer', minimum: ACCESS_TOKEN_TTL_MIN, maximum: ACCESS_TOKEN_TTL_MAX }, { type: 'null' }],
    },
    api_rate_limit: {
      anyOf: [{ type: 'integer', minimum: API_RATE_LIMIT_MIN, maximum: API_RATE_LIMIT_MAX }, { type: 'null' }],
    },
  },
});

/**
 * `default_role` is a free-form object in the reference; Gatehouse acts on it
 * (the role of entity users who have no other), so it must hold a valid
 * `permissions` payload: `{"name"?: string, "permissions": {"objects": [...]}}`.
 */
const validateDefaultRole = bodyValidator(
  {
    type: 'object',
    additionalProperties: false,
    required: ['permissions'],
    properties: { name: { type: 'string', maxLength: 200 }, permissions: { type: 'object' } },
  },
  ['body', 'default_role'],
);

export function validateSettingsPatch(body: unknown): ValidationIssue[] {
  const issues = validateShape(body ?? null);
  if (issues.length) return issues;
  const role = (body as Partial<ProjectSettings>).default_role;
  if (role === undefined || role === null) return [];
  const shape = validateDefaultRole(role);
  if (shape.length) return shape;
  return validateRolePermissions(role.permissions, ['body', 'default_role', 'permissions']);
}
