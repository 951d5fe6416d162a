import { CheckRequest, PolicyPrincipal } from '@gatehouse/contracts';

/**
 * The questions arrive parsed with their contract's schema (shape, types and
 * bounds checked before the handler runs); here ids are put in lower case (they
 * are cache keys and are compared) and the optional fields take one form.
 */
export function canonicalPrincipal(p: PolicyPrincipal): PolicyPrincipal {
  if (p.kind === 'partner') return { kind: 'partner', project_id: p.project_id.toLowerCase() };
  return {
    kind: 'entity_user',
    project_id: p.project_id.toLowerCase(),
    entity_id: (p.entity_id as string).toLowerCase(),
    entity_user_id: (p.entity_user_id as string).toLowerCase(),
  };
}

export function canonicalCheck(c: CheckRequest): CheckRequest {
  const req: CheckRequest = {
    principal: canonicalPrincipal(c.principal),
    entity_id: typeof c.entity_id === 'string' ? c.entity_id.toLowerCase() : null,
    object_type: c.object_type,
    action: c.action,
    partner_only: c.partner_only === true,
  };
  if (c.with_ceiling === true) req.with_ceiling = true;
  // Absent stays absent: "no specific resource" (create, list) differs from "a resource with no creator" (null).
  if (c.resource_created_by !== undefined) req.resource_created_by = typeof c.resource_created_by === 'string' ? c.resource_created_by.toLowerCase() : null;
  return req;
}
