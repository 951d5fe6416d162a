import { v7 as uuidv7 } from 'uuid';

/**
 * A new audit entry's id: a UUIDv7 (RFC 9562), whose leading 48 bits are the time
 * in milliseconds. Ids that grow with time keep the audit table's primary-key index
 * appending at its right edge, as the rows themselves do, instead of writing a
 * random page of it per row (and, after each checkpoint, that whole page into the
 * WAL): the cheaper insert is part of what keeps the trail within its budget
 * (docs/AUDIT.md, "Cost"). Still unique and unguessable enough for an id (74 random bits).
 */
export function auditEntryId(): string {
  return uuidv7();
}
