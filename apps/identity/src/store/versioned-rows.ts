import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** A row with an id and an optimistic version, as every identity record has. */
interface Versioned extends ObjectLiteral {
  id: string;
  version: number;
}

/** Inserts a row and answers it as stored (defaults and timestamps filled by PostgreSQL). */
export async function insertRow<T extends Versioned>(m: EntityManager, target: EntityTarget<T>, row: QueryDeepPartialEntity<T> & { id: string }): Promise<T> {
  const repo = m.getRepository(target);
  await repo.insert(row);
  return repo.findOneByOrFail({ id: row.id } as never);
}

/** Applies `patch` to a row read (and locked) in this transaction, bumps its version, and answers it as stored. */
export async function updateRow<T extends Versioned>(m: EntityManager, target: EntityTarget<T>, current: T, patch: Partial<T>): Promise<T> {
  const repo = m.getRepository(target);
  await repo.update({ id: current.id } as never, { ...patch, version: current.version + 1, updatedAt: () => 'clock_timestamp()' } as never);
  return repo.findOneByOrFail({ id: current.id } as never);
}
