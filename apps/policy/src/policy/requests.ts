import { CheckRequest, ErrorCodes, PolicyPrincipal } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';

/**
 * Checks the shape of the questions callers send and puts ids in lower case
 * (ids are cache keys and are compared here). A malformed question is the
 * caller's bug: `validation_failed`, never a guess.
 */
export function parsePrincipal(value: unknown, at = 'principal'): PolicyPrincipal {
  if (!isObject(value)) throw invalid(`${at} must be an object`);
  const kind = value['kind'];
  const projectId = value['project_id'];
  if (kind !== 'partner' && kind !== 'entity_user') throw invalid(`${at}.kind must be "partner" or "entity_user"`);
  if (!isId(projectId)) throw invalid(`${at}.project_id is required`);
  if (kind === 'partner') return { kind, project_id: projectId.toLowerCase() };
  const entityId = value['entity_id'];
  const userId = value['entity_user_id'];
  if (!isId(entityId) || !isId(userId)) throw invalid(`${at}: an entity_user principal needs entity_id and entity_user_id`);
  return { kind, project_id: projectId.toLowerCase(), entity_id: entityId.toLowerCase(), entity_user_id: userId.toLowerCase() };
}

export function parseCheck(value: unknown, at = 'check'): CheckRequest {
  if (!isObject(value)) throw invalid(`${at} must be an object`);
  const principal = parsePrincipal(value['principal'], `${at}.principal`);
  const entityId = value['entity_id'];
  const objectType = value['object_type'];
  const action = value['action'];
  const createdBy = value['resource_created_by'];
  const partnerOnly = value['partner_only'];
  const withCeiling = value['with_ceiling'];
  if (entityId !== undefined && entityId !== null && !isId(entityId)) throw invalid(`${at}.entity_id must be a string or null`);
  if (typeof objectType !== 'string' || typeof action !== 'string') throw invalid(`${at}: object_type and action are required`);
  if (createdBy !== undefined && createdBy !== null && typeof createdBy !== 'string') {
    throw invalid(`${at}.resource_created_by must be a string or null`);
  }
  if (partnerOnly !== undefined && partnerOnly !== null && typeof partnerOnly !== 'boolean') {
    throw invalid(`${at}.partner_only must be a boolean`);
  }
  if (withCeiling !== undefined && withCeiling !== null && typeof withCeiling !== 'boolean') {
    throw invalid(`${at}.with_ceiling must be a boolean`);
  }
  const req: CheckRequest = {
    principal,
    entity_id: typeof entityId === 'string' ? entityId.toLowerCase() : null,
    object_type: objectType,
    action,
    partner_only: partnerOnly === true,
  };
  if (withCeiling === true) req.with_ceiling = true;
  // Absent stays absent: "no specific resource" (create, list) differs from "a resource with no creator" (null).
  if (createdBy !== undefined) req.resource_created_by = typeof createdBy === 'string' ? createdBy.toLowerCase() : null;
  return req;
}

export function parseBatch(value: unknown, max: number): CheckRequest[] {
  const checks = isObject(value) ? value['checks'] : undefined;
  if (!Array.isArray(checks)) throw invalid('checks must be an array');
  if (checks.length > max) throw invalid(`at most ${max} checks per batch`);
  return checks.map((c, i) => parseCheck(c, `checks[${i}]`));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 100;
}

function invalid(message: string): RpcError {
  return new RpcError(ErrorCodes.validationFailed, message);
}
