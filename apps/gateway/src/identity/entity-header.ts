import { canonicalId, Headers, isUuid } from '@gatehouse/contracts';
import { ApiError, issue } from '../http/api-error';
import type { Principal } from '../tokens/principal';
import { UUID_MESSAGE } from './path-params';
import { Parsed, parsed } from './validation';

const LOC = ['header', Headers.entityId];

/**
 * The entity an entity-scoped request is about, from `x-monite-entity-id`:
 * - partner token: the header is required (missing → 422 missing, not a UUID → 422 uuid_parsing);
 * - entity-user token: the token names the entity; the header may be left out,
 *   and if given it must be a UUID (else 422) naming that same entity (else 403).
 * Validation problems are returned (to be reported with the request's other
 * issues); a mismatch throws at once.
 */
export function resolveEntityId(principal: Principal, raw: string | string[] | undefined): Parsed<string> {
  const given = Array.isArray(raw) ? raw.join(',') : raw;
  let headerId: string | null = null;
  if (given !== undefined) {
    if (!isUuid(given)) return parsed('', [issue(LOC, UUID_MESSAGE, 'uuid_parsing')]);
    headerId = canonicalId(given);
  }

  if (principal.kind === 'entity_user') {
    const own = principal.entityId === null ? null : canonicalId(principal.entityId);
    if (own === null) throw ApiError.message(403, 'The access token names no entity');
    if (headerId !== null && headerId !== own) {
      throw ApiError.message(403, `The ${Headers.entityId} header names another entity than the access token`);
    }
    return parsed(own);
  }

  if (headerId === null) return parsed('', [issue(LOC, 'Field required', 'missing')]);
  return parsed(headerId);
}
