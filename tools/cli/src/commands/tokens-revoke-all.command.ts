import { AuthSubjects, ProjectRevokeTokensRequest, ProjectTokensRevokedEvent } from '@gatehouse/contracts';
import { formatTokensRevoked } from '../output';
import { Command, str } from './command';

export const tokensRevokeAllCommand: Command = {
  words: ['tokens', 'revoke-all'],
  summary: 'End every live token of a project at once (every pair, every grant)',
  options: {
    project: {
      type: 'string',
      placeholder: '<project-id>',
      description: 'Project whose tokens end',
      required: true,
      format: 'uuid',
    },
  },
  async run(client, values) {
    const res = await client.request<ProjectTokensRevokedEvent>(AuthSubjects.projectRevokeTokens, {
      project_id: str(values, 'project'),
    } satisfies ProjectRevokeTokensRequest);
    return { json: res, text: formatTokensRevoked(res) };
  },
};
