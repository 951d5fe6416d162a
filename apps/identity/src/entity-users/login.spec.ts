import { ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { loginChange, loginColumns } from './login';

/** The refusal a call throws, as it goes on the wire. */
function refusal(call: () => unknown) {
  try {
    call();
  } catch (err) {
    if (err instanceof RpcError) return err.body;
    throw err;
  }
  throw new Error('not refused');
}

describe('identity checks the logins it stores', () => {
  it('stores NFC and the case-insensitive key', () => {
    expect(loginColumns('Cafe\u0301')).toEqual({ login: 'Caf\u00e9', loginKey: 'caf\u00e9' });
    expect(loginColumns('VICTIM')).toEqual({ login: 'VICTIM', loginKey: 'victim' });
  });

  it.each([
    ['\u202eyesac', 'value_error'],
    [' casey', 'value_error'],
    ['', 'value_error'],
    ['v\u0456ctim', 'value_error'],
    ['ca\u0000sey', 'value_error'],
    ['ca\ud800sey', 'string_unicode'],
    [42, 'string_type'],
    [null, 'string_type'],
    [undefined, 'missing'],
  ])('refuses %j on create with validation_failed located at ["body","login"] (%s)', (value, type) => {
    expect(refusal(() => loginColumns(value))).toEqual({
      code: ErrorCodes.validationFailed,
      message: expect.any(String),
      details: [{ loc: ['body', 'login'], msg: expect.any(String), type }],
    });
  });

  it('on update, absent or null is no change, and anything else is checked', () => {
    expect(loginChange(undefined)).toEqual({});
    expect(loginChange(null)).toEqual({});
    expect(loginChange('Victim')).toEqual({ login: 'Victim', loginKey: 'victim' });
    expect(refusal(() => loginChange('ca\u200dsey'))).toMatchObject({ code: ErrorCodes.validationFailed, details: [{ loc: ['body', 'login'], type: 'value_error' }] });
  });
});
