import { ErrorCodes } from '@gatehouse/contracts';
import { ERROR_STATUS, statusOf } from './error-status';

describe('the error code → HTTP status table', () => {
  it('maps every error code, to a 4xx or 5xx', () => {
    for (const code of Object.values(ErrorCodes)) {
      expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(ERROR_STATUS[code]).toBeLessThan(600);
    }
  });

  it('treats an unknown code as an internal error', () => {
    expect(statusOf('something_new')).toBe(500);
    expect(statusOf(ErrorCodes.invalidClient)).toBe(401);
    expect(statusOf(ErrorCodes.unavailable)).toBe(503);
  });
});
