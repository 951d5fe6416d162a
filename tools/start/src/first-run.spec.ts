import { AuthSubjects } from '@gatehouse/contracts';
import { curlTokenCommand, ensureFirstProject, FIRST_PROJECT_NAME, welcomeText } from './first-run';

const PROJECT = { project_id: 'p-1', name: FIRST_PROJECT_NAME, created_at: 't' };
const CREDS = { project_id: 'p-1', client_id: 'c-1', client_secret: 'Zm9vYmFy_-x', created_at: 't' };
const PARTNER = { partner_id: 'pa-1', name: 'My organisation', created_at: 't' };
const OWNER = { member_id: 'm-1', partner_id: 'pa-1', email: 'owner@example.com', role: 'owner' as const, created_at: 't', password: 'b3duZXItcGFzc3dvcmQ' };
const paths = { baseUrl: 'https://localhost:8443', certFile: '.data/tls/cert.pem', logDir: '.data/logs' };

function fakeAuth(projects: unknown[], partners: unknown[] = []) {
  const calls: Array<[string, unknown]> = [];
  return {
    calls,
    async request<Res>(subject: string, data: unknown): Promise<Res> {
      calls.push([subject, data]);
      if (subject === AuthSubjects.projectList) return { projects } as Res;
      if (subject === AuthSubjects.projectCreate) return PROJECT as Res;
      if (subject === AuthSubjects.credentialsCreate) return CREDS as Res;
      if (subject === AuthSubjects.partnersList) return { partners } as Res;
      if (subject === AuthSubjects.partnersCreate) return PARTNER as Res;
      if (subject === AuthSubjects.membersCreate) return OWNER as Res;
      throw new Error(`unexpected ${subject}`);
    },
  };
}

describe('first run', () => {
  it('creates the first partner, its owner, and the partner’s first project and credentials on an empty installation', async () => {
    const auth = fakeAuth([]);
    await expect(ensureFirstProject(auth)).resolves.toEqual({ kind: 'created', project: PROJECT, credentials: CREDS, partner: PARTNER, owner: OWNER });
    expect(auth.calls).toEqual([
      [AuthSubjects.projectList, {}],
      [AuthSubjects.partnersCreate, { name: 'My organisation' }],
      [AuthSubjects.membersCreate, { partner_id: 'pa-1', email: 'owner@example.com', role: 'owner' }],
      [AuthSubjects.projectCreate, { name: 'My first project', partner_id: 'pa-1' }],
      [AuthSubjects.credentialsCreate, { project_id: 'p-1', name: 'first pair' }],
    ]);
  });

  it('creates nothing when projects exist', async () => {
    const auth = fakeAuth([PROJECT], [PARTNER]);
    await expect(ensureFirstProject(auth)).resolves.toEqual({ kind: 'existing', projects: [PROJECT], partners: 1 });
    expect(auth.calls.map(([subject]) => subject)).toEqual([AuthSubjects.projectList, AuthSubjects.partnersList]);
  });

  it('builds a ready-to-paste curl line', () => {
    expect(curlTokenCommand('https://localhost:8443', 'c-1', 's-1')).toBe(
      `curl -sk -X POST https://localhost:8443/v1/auth/token -H 'x-monite-version: 2024-05-25' ` +
        `-H 'content-type: application/json' ` +
        `-d '{"grant_type":"client_credentials","client_id":"c-1","client_secret":"s-1"}'`,
    );
  });

  it('prints the new credentials once, with the shown-once warning, the base URL and --cacert', () => {
    const text = welcomeText({ kind: 'created', project: PROJECT, credentials: CREDS, partner: PARTNER, owner: OWNER }, paths);
    expect(text).toContain('Base URL:       https://localhost:8443');
    expect(text).toContain('Project id:     p-1');
    expect(text).toContain('Client id:      c-1');
    expect(text).toContain('Client secret:  Zm9vYmFy_-x');
    expect(text).toContain('shown once: store it now');
    expect(text).toContain('--cacert .data/tls/cert.pem');
    expect(text).toContain(curlTokenCommand(paths.baseUrl, 'c-1', 'Zm9vYmFy_-x'));
    // The secret appears in the secret line and the curl line only.
    expect(text.split('Zm9vYmFy_-x')).toHaveLength(3);
    // Beside it, the first owner's portal sign-in, the password once.
    expect(text).toContain('Owner email:    owner@example.com');
    expect(text.split(OWNER.password)).toHaveLength(2);
    expect(text).not.toContain('Portal:');
    expect(welcomeText({ kind: 'created', project: PROJECT, credentials: CREDS, partner: PARTNER, owner: OWNER }, { ...paths, portalUrl: 'https://localhost:8444' })).toContain(
      'Portal:         https://localhost:8444',
    );
  });

  it('lists existing projects and how to create credentials with the CLI', () => {
    const text = welcomeText({ kind: 'existing', projects: [PROJECT, { ...PROJECT, project_id: 'p-2' }], partners: 1 }, paths);
    expect(text).toContain('https://localhost:8443');
    expect(text).toContain('p-1');
    expect(text).toContain('p-2');
    expect(text).toContain('npm run cli -- credentials create --project p-1');
    expect(text).not.toContain('Client secret:');
    expect(text).not.toContain('partners create');
    const upgraded = welcomeText({ kind: 'existing', projects: [PROJECT], partners: 0 }, paths);
    expect(upgraded).toContain('npm run cli -- partners create --name <name>');
    expect(upgraded).toContain('project assign --project p-1 --partner <partner-id>');
  });
});
