import { canonicalId, isUuid } from './uuid';

describe('ids', () => {
  const id = '3cf491b0-31e2-4404-a6f6-bb4006fd0f39';

  it('isUuid takes the 8-4-4-4-12 hex form only', () => {
    expect(isUuid(id)).toBe(true);
    expect(isUuid(id.toUpperCase())).toBe(true);
    expect(isUuid(`urn:uuid:${id}`)).toBe(false);
    expect(isUuid(id.replace(/-/g, ''))).toBe(false);
    expect(isUuid(42)).toBe(false);
  });

  it('canonicalId spells a UUID one way: lower case, no urn:uuid: prefix', () => {
    expect(canonicalId(id.toUpperCase())).toBe(id);
    expect(canonicalId(`urn:uuid:${id}`)).toBe(id);
    expect(canonicalId(`URN:UUID:${id.toUpperCase()}`)).toBe(id);
  });

  it('canonicalId leaves anything that is not a UUID as it is', () => {
    expect(canonicalId('Not-A-Uuid')).toBe('Not-A-Uuid');
    expect(canonicalId(`urn:uuid:${id}x`)).toBe(`urn:uuid:${id}x`);
    expect(canonicalId('')).toBe('');
  });
});
