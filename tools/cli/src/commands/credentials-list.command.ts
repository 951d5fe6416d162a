import { AuthSubjects, CredentialsListRequest, CredentialsListResponse } from '@gatehouse/contracts';
import { formatCredentials } from '../output';
import { Command, str } from './command';

export const credentialsListCommand: Command = {
  words: ['credentials', 'list'],
  summary: "List a project's client credentials (ids and status; secrets are never stored in clear)",
  options: {
    project: {
      type: 'string',
      placeholder: '<project-id>',
      description: 'Project id',
      required: true,
      format: 'uuid',
    },
  },
  async run(client, values) {
    const projectId = str(values, 'project');
    const res = await client.request<CredentialsListResponse>(AuthSubjects.credentialsList, {
      project_id: projectId,
    } satisfies CredentialsListRequest);
    return { json: { credentials: res.credentials }, text: formatCredentials(projectId, res.credentials) };
  },
};
