import { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL ended the transaction to break a deadlock (40P01) or a serialization conflict (40001). */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * A write transaction, run again (up to three times in all) when PostgreSQL ends
 * it to break a deadlock: two writers that share-lock each other's rows (an entity
 * user changing another who, at the same moment, changes the first) each wait for
 * the other, and one of them is chosen to fail. Nothing of a failed attempt is
 * committed, so running it again is safe.
 */
export async function writeTransaction<T>(ds: DataSource, work: (m: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction(work);
    } catch (err) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
    }
  }
}
