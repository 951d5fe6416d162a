import { AdvisoryLocks } from './advisory-locks';

describe('AdvisoryLocks', () => {
  it('gives every job its own lock id', () => {
    const ids = Object.values(AdvisoryLocks);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps ids inside PostgreSQL advisory lock range (bigint, positive here)', () => {
    for (const id of Object.values(AdvisoryLocks)) {
      expect(Number.isSafeInteger(id)).toBe(true);
      expect(id).toBeGreaterThan(0);
    }
  });
});
