import { AuthSubjects, CredentialsCreatedResponse, CredentialsCreateRequest } from '@gatehouse/contracts';
import { formatCredentialsCreated } from '../output';
import { Command, str } from './command';

export const credentialsCreateCommand: Command = {
  words: ['credentials', 'create'],
  summary: 'Create a client credential pair for a project (the secret is shown once)',
  options: {
    project: {
      type: 'string',
      placeholder: '<project-id>',
      description: 'Project id',
      required: true,
      format: 'uuid',
    },
    name: { type: 'string', placeholder: '<name>', description: 'A name for the pair (shown in the portal and by credentials list)' },
  },
  async run(client, values) {
    const res = await client.request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, {
      project_id: str(values, 'project'),
      ...(values['name'] === undefined ? {} : { name: str(values, 'name') }),
    } satisfies CredentialsCreateRequest);
    return {
      json: {
        project_id: res.project_id,
        client_id: res.client_id,
        client_secret: res.client_secret,
        created_at: res.created_at,
      },
      text: formatCredentialsCreated(res),
    };
  },
};
