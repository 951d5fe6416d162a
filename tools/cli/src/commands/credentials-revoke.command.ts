import { AuthSubjects, CredentialsRevokeRequest, CredentialView } from '@gatehouse/contracts';
import { formatRevoked } from '../output';
import { Command, str } from './command';

export const credentialsRevokeCommand: Command = {
  words: ['credentials', 'revoke'],
  summary: 'Revoke a client credential pair: it mints no more, and its tokens end at once',
  options: {
    'client-id': {
      type: 'string',
      placeholder: '<client-id>',
      description: 'Client id to revoke',
      required: true,
      format: 'uuid',
    },
  },
  async run(client, values) {
    const res = await client.request<CredentialView>(AuthSubjects.credentialsRevoke, {
      client_id: str(values, 'client-id'),
    } satisfies CredentialsRevokeRequest);
    return { json: res, text: formatRevoked(res) };
  },
};
