import {
  AuthSubjects,
  CredentialsCreatedResponse,
  CredentialsCreateRequest,
  ProjectCreateRequest,
  ProjectListResponse,
  ProjectView,
} from '@gatehouse/contracts';

export const FIRST_PROJECT_NAME = 'My first project';
export const CURL_API_VERSION = '2024-05-25';

export interface Requester {
  request<Res>(subject: string, data: unknown): Promise<Res>;
}

export type Welcome =
  | { kind: 'created'; project: ProjectView; credentials: CredentialsCreatedResponse }
  | { kind: 'existing'; projects: ProjectView[] };

/** On an empty installation, creates a first project and credential pair; otherwise lists the projects. */
export async function ensureFirstProject(auth: Requester): Promise<Welcome> {
  const { projects } = await auth.request<ProjectListResponse>(AuthSubjects.projectList, {});
  if (projects.length > 0) return { kind: 'existing', projects };
  const project = await auth.request<ProjectView>(AuthSubjects.projectCreate, {
    name: FIRST_PROJECT_NAME,
  } satisfies ProjectCreateRequest);
  const credentials = await auth.request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, {
    project_id: project.project_id,
  } satisfies CredentialsCreateRequest);
  return { kind: 'created', project, credentials };
}

export function curlTokenCommand(baseUrl: string, clientId: string, clientSecret: string): string {
  const body = JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  return (
    `curl -sk -X POST ${baseUrl}/v1/auth/token -H 'x-monite-version: ${CURL_API_VERSION}' ` +
    `-H 'content-type: application/json' -d '${body}'`
  );
}

export interface WelcomePaths {
  baseUrl: string;
  /** The certificate to pass to --cacert, e.g. `.data/tls/cert.pem`. */
  certFile: string;
  /** Where the services' logs are appended, e.g. `.data/logs`. */
  logDir: string;
}

/** What the launcher prints once everything is ready. */
export function welcomeText(welcome: Welcome, { baseUrl, certFile, logDir }: WelcomePaths): string {
  const rule = '='.repeat(78);
  const lines = [rule, 'Gatehouse is ready.', '', `  Base URL:       ${baseUrl}`];
  if (welcome.kind === 'created') {
    const c = welcome.credentials;
    lines.push(
      `  Project id:     ${welcome.project.project_id}  (${welcome.project.name})`,
      `  Client id:      ${c.client_id}`,
      `  Client secret:  ${c.client_secret}`,
      '',
      '  The client secret is shown once: store it now. Only its hash is kept; it cannot be shown again.',
      '',
      '  Get an access token (-k because the certificate is self-signed;',
      `  or replace -k with --cacert ${certFile} to verify it):`,
      '',
      curlTokenCommand(baseUrl, c.client_id, c.client_secret),
    );
  } else {
    lines.push('', `  Projects (${welcome.projects.length}):`);
    for (const p of welcome.projects) lines.push(`    ${p.project_id}  ${p.name}`);
    lines.push(
      '',
      '  Create client credentials for a project (the secret is shown once):',
      `    npm run cli -- credentials create --project ${welcome.projects[0].project_id}`,
      '',
      `  Then get an access token with -k (self-signed certificate) or --cacert ${certFile}:`,
      `    ${curlTokenCommand(baseUrl, '<client_id>', '<client_secret>')}`,
    );
  }
  lines.push('', `  Stop with Ctrl-C (or SIGTERM). Logs: ${logDir}/<service>.log`, rule);
  return lines.join('\n');
}
