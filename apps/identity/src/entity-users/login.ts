import { checkLogin, ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';

/** The stored form of a login: as given in NFC, and the key that makes `Victim` and `victim` one login. */
export interface LoginColumns {
  login: string;
  loginKey: string;
}

/**
 * A login as identity stores it, checked here whatever the caller checked
 * before (`checkLogin`, libs/contracts): a bad one is `validation_failed` at
 * ['body', 'login'] (422), before anything is written.
 */
export function loginColumns(value: unknown): LoginColumns {
  if (value === undefined) throw refused('Field required', 'missing');
  const checked = checkLogin(value);
  if (!checked.ok) throw refused(checked.msg, checked.type);
  return { login: checked.login, loginKey: checked.key };
}

/** On update: absent or null leaves the login as it is. */
export function loginChange(value: unknown): Partial<LoginColumns> {
  return value === undefined || value === null ? {} : loginColumns(value);
}

function refused(msg: string, type: string): RpcError {
  return new RpcError(ErrorCodes.validationFailed, msg, [{ loc: ['body', 'login'], msg, type }]);
}
