import { AuthSubjects, ProjectListResponse } from '@gatehouse/contracts';
import { formatProjects } from '../output';
import { Command } from './command';

export const projectListCommand: Command = {
  words: ['project', 'list'],
  summary: 'List projects',
  options: {},
  async run(client) {
    const res = await client.request<ProjectListResponse>(AuthSubjects.projectList, {});
    return { json: { projects: res.projects }, text: formatProjects(res.projects) };
  },
};
