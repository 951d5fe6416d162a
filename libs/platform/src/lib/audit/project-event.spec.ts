import { isoNow, projectEventEntry } from './project-event';

describe('isoNow', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is the current millisecond in ISO 8601, and moves with the clock', () => {
    const now = jest.spyOn(Date, 'now');
    for (const ms of [Date.UTC(2026, 11, 7, 2, 30, 0, 1), Date.UTC(2026, 11, 7, 2, 30, 0, 1), Date.UTC(2026, 11, 7, 2, 30, 0, 2), Date.UTC(2027, 0, 1)]) {
      now.mockReturnValue(ms);
      expect(isoNow()).toBe(new Date(ms).toISOString());
    }
  });

  it('stamps a project event with it', () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 5, 1, 12));
    const e = projectEventEntry({ kind: 'token.issued', projectId: '6f1c1f6e-1111-4a4a-9b9b-0123456789ab', service: 'auth', details: null });
    expect(e.timestamp).toBe('2026-06-01T12:00:00.000Z');
    expect(e).toMatchObject({ type: 'event', kind: 'token.issued', entity_id: null, target_service: 'auth' });
  });
});
