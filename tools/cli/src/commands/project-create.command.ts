import {
  AuthSubjects,
  CredentialsCreatedResponse,
  CredentialsCreateRequest,
  ProjectCreateRequest,
  ProjectView,
} from '@gatehouse/contracts';
import { CliError } from '../errors';
import { formatProjectCreated } from '../output';
import { Command, str } from './command';

/** Creates a project and its first client credential pair. */
export const projectCreateCommand: Command = {
  words: ['project', 'create'],
  summary: 'Create a project and its first client credentials (the secret is shown once)',
  options: {
    name: { type: 'string', placeholder: '<name>', description: 'Project name (1 to 200 characters)', required: true },
  },
  async run(client, values) {
    const project = await client.request<ProjectView>(AuthSubjects.projectCreate, {
      name: str(values, 'name'),
    } satisfies ProjectCreateRequest);
    let creds: CredentialsCreatedResponse;
    try {
      creds = await client.request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, {
        project_id: project.project_id,
      } satisfies CredentialsCreateRequest);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new CliError(
        e.code ?? 'internal',
        `project ${project.project_id} was created, but its credentials were not: ${e.message ?? String(err)}. ` +
          `Retry with: npm run cli -- credentials create --project ${project.project_id}`,
      );
    }
    return {
      json: {
        project_id: project.project_id,
        name: project.name,
        client_id: creds.client_id,
        client_secret: creds.client_secret,
        created_at: creds.created_at,
      },
      text: formatProjectCreated(project, creds),
    };
  },
};
