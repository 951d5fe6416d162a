import { AuthSubjects, KeysRotateResponse } from '@gatehouse/contracts';
import { formatKeysRotated } from '../output';
import { Command } from './command';

export const keysRotateCommand: Command = {
  words: ['keys', 'rotate'],
  summary: 'Rotate the token signing key',
  options: {},
  async run(client) {
    const res = await client.request<KeysRotateResponse>(AuthSubjects.keysRotate, {});
    return { json: res, text: formatKeysRotated(res) };
  },
};
