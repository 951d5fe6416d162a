import { canonicalId, isUuid } from '@gatehouse/contracts';
import { issue } from '../http/api-error';
import { Parsed, parsed } from './validation';

export const UUID_MESSAGE = 'Input should be a valid UUID';

/** A path id (`entity_id`, `entity_user_id`, `role_id`): a UUID, else 422 at ['path', name] (uuid_parsing). */
export function parsePathId(name: string, raw: string | undefined): Parsed<string> {
  const value = raw ?? '';
  if (isUuid(value)) return parsed(canonicalId(value));
  return parsed(value, [issue(['path', name], UUID_MESSAGE, 'uuid_parsing')]);
}
