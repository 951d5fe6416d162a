import { auditEntryId } from './entry-id';

describe('auditEntryId', () => {
  it('is a version-7 UUID whose first 48 bits are the time in milliseconds', () => {
    const before = Date.now();
    const id = auditEntryId();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('sorts in the order the ids were made, and never repeats', () => {
    const ids = Array.from({ length: 5_000 }, () => auditEntryId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
