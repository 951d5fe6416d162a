import {
  AuthSubjects,
  CredentialsCreatedResponse,
  CredentialsCreateRequest,
  MemberCreated,
  MemberCreateRequest,
  PartnerCreateRequest,
  PartnerListResponse,
  PartnerView,
  ProjectCreateRequest,
  ProjectListResponse,
  ProjectView,
} from '@gatehouse/contracts';

export const FIRST_PROJECT_NAME = 'My first project';
export const FIRST_PARTNER_NAME = 'My organisation';
/** The first owner's portal login (printed once; another owner can be made with the CLI — there is no password change yet). */
export const FIRST_OWNER_EMAIL = 'owner@example.com';
export const FIRST_PAIR_NAME = 'first pair';
export const CURL_API_VERSION = '2024-05-25';

export interface Requester {
  request<Res>(subject: string, data: unknown): Promise<Res>;
}

export type Welcome =
  | { kind: 'created'; project: ProjectView; credentials: CredentialsCreatedResponse; partner: PartnerView; owner: MemberCreated }
  | { kind: 'existing'; projects: ProjectView[]; partners: number };

/**
 * On an empty installation, creates the first partner, its owner (a random
 * password, made by auth and shown once), and the partner's first project and
 * credential pair; otherwise lists the projects.
 */
export async function ensureFirstProject(auth: Requester): Promise<Welcome> {
  const { projects } = await auth.request<ProjectListResponse>(AuthSubjects.projectList, {});
  if (projects.length > 0) {
    const { partners } = await auth.request<PartnerListResponse>(AuthSubjects.partnersList, {});
    return { kind: 'existing', projects, partners: partners.length };
  }
  const partner = await auth.request<PartnerView>(AuthSubjects.partnersCreate, { name: FIRST_PARTNER_NAME } satisfies PartnerCreateRequest);
  const owner = await auth.request<MemberCreated>(AuthSubjects.membersCreate, {
    partner_id: partner.partner_id,
    email: FIRST_OWNER_EMAIL,
    role: 'owner',
  } satisfies MemberCreateRequest);
  const project = await auth.request<ProjectView>(AuthSubjects.projectCreate, {
    name: FIRST_PROJECT_NAME,
    partner_id: partner.partner_id,
  } satisfies ProjectCreateRequest);
  const credentials = await auth.request<CredentialsCreatedResponse>(AuthSubjects.credentialsCreate, {
    project_id: project.project_id,
    name: FIRST_PAIR_NAME,
  } satisfies CredentialsCreateRequest);
  return { kind: 'created', project, credentials, partner, owner };
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
  /**
   * The Partner Portal's URL, when the portal runs (apps/portal's entry in the
   * services table gives it; the launcher passes it here): printed beside the
   * owner's sign-in.
   */
  portalUrl?: string;
}

/** What the launcher prints once everything is ready. */
export function welcomeText(welcome: Welcome, { baseUrl, certFile, logDir, portalUrl }: WelcomePaths): string {
  const rule = '='.repeat(78);
  const lines = [rule, 'Gatehouse is ready.', '', `  Base URL:       ${baseUrl}`];
  if (portalUrl) lines.push(`  Portal:         ${portalUrl}`);
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
      '',
      `  Partner Portal sign-in (partner ${welcome.partner.name}, ${welcome.partner.partner_id}):`,
      `  Owner email:    ${welcome.owner.email}`,
      `  Owner password: ${welcome.owner.password ?? '(set by the operator)'}`,
      '',
      '  The password is shown once too: store it now (only its argon2id hash is kept).',
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
    if (welcome.partners === 0) {
      lines.push(
        '',
        '  No partner yet for the Partner Portal: create one, its owner, and give it a project:',
        '    npm run cli -- partners create --name <name>',
        '    npm run cli -- members create --partner <partner-id> --email <email>',
        `    npm run cli -- project assign --project ${welcome.projects[0].project_id} --partner <partner-id>`,
      );
    }
  }
  lines.push('', `  Stop with Ctrl-C (or SIGTERM). Logs: ${logDir}/<service>.log`, rule);
  return lines.join('\n');
}
