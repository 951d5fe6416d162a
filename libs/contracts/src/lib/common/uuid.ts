const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URN = /^urn:uuid:/i;

/** Every id on the wire (project, client, entity, user, role, jti) is a UUID. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && UUID.test(value);
}

/**
 * One spelling per id: a UUID (also as `urn:uuid:…`, which the API's schemas
 * accept) in lower case without the prefix. Anything else is returned as it is.
 * Every counter, cache and comparison keyed by an id uses this form.
 */
export function canonicalId(value: string): string {
  const bare = value.length === 45 ? value.replace(URN, '') : value;
  return isUuid(bare) ? bare.toLowerCase() : value;
}
