import { AuthSubjects, ProjectAssignRequest, ProjectView } from '@gatehouse/contracts';
import { Command, str } from './command';

export const projectAssignCommand: Command = {
  words: ['project', 'assign'],
  summary: "Give a project to a partner (its members then see it in the portal)",
  options: {
    project: { type: 'string', placeholder: '<project-id>', description: 'Project id', required: true, format: 'uuid' },
    partner: { type: 'string', placeholder: '<partner-id>', description: 'Partner id', required: true, format: 'uuid' },
  },
  async run(client, values) {
    const res = await client.request<ProjectView>(AuthSubjects.projectAssign, {
      project_id: str(values, 'project'),
      partner_id: str(values, 'partner'),
    } satisfies ProjectAssignRequest);
    return { json: res, text: `Project ${res.project_id} (${res.name}) now belongs to partner ${res.partner_id}.` };
  },
};
