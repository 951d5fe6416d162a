import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@gatehouse/supervisor';
import { recordSecret } from '@gatehouse/testing';
import { TestSystem } from './support/system';

const run = promisify(execFile);

/** The operator CLI against a running system (what the Partner Portal does for now). */
describe('npm run cli', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await TestSystem.start();
  });
  afterAll(() => sys?.stop());

  async function cli(...args: string[]): Promise<{ code: number; json: any; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [join(repoRoot(), 'dist/tools/cli/src/main.js'), ...args], {
        env: { ...process.env, NATS_SUBJECT_PREFIX: sys.prefix },
      });
      return { code: 0, json: JSON.parse(stdout), stdout, stderr };
    } catch (err: any) {
      let json: unknown;
      try {
        json = JSON.parse(err.stdout);
      } catch {
        json = undefined;
      }
      return { code: err.code, json, stdout: err.stdout, stderr: err.stderr };
    }
  }

  it('project create --json prints exactly one JSON object with project_id, client_id, client_secret that can mint', async () => {
    const res = await cli('project', 'create', '--name', 'Acme', '--json');
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(1);
    expect(res.json).toMatchObject({ project_id: expect.any(String), client_id: expect.any(String), client_secret: expect.any(String) });
    await expect(sys.partnerToken(res.json)).resolves.toMatch(/^ey/);
  });

  it('project list shows the projects; credentials create/list/revoke manage pairs', async () => {
    const created = (await cli('project', 'create', '--name', 'Beta', '--json')).json;
    const list = await cli('project', 'list', '--json');
    expect(list.json.projects.map((p: any) => p.project_id)).toContain(created.project_id);

    const second = await cli('credentials', 'create', '--project', created.project_id, '--json');
    expect(second.json).toMatchObject({ project_id: created.project_id, client_id: expect.any(String), client_secret: expect.any(String) });
    const listed = (await cli('credentials', 'list', '--project', created.project_id, '--json')).json.credentials;
    expect(listed.map((c: any) => c.client_id).sort()).toEqual([created.client_id, second.json.client_id].sort());
    // No secret, nor its hash, is ever listed.
    expect(JSON.stringify(listed)).not.toContain(second.json.client_secret);

    const revoked = await cli('credentials', 'revoke', '--client-id', second.json.client_id, '--json');
    expect(revoked.code).toBe(0);
    await expect(sys.partnerToken(second.json)).rejects.toThrow(/401/);
    await expect(sys.partnerToken(created)).resolves.toMatch(/^ey/);
  });

  it('partners create, members create (a random password shown once), project assign; credentials list shows name, maker, last use', async () => {
    const partner = await cli('partners', 'create', '--name', 'Acme Ltd', '--json');
    expect(partner.json).toMatchObject({ partner_id: expect.any(String), name: 'Acme Ltd' });
    expect((await cli('partners', 'list', '--json')).json.partners.map((p: any) => p.partner_id)).toContain(partner.json.partner_id);
    const owner = await cli('members', 'create', '--partner', partner.json.partner_id, '--email', 'Boss@Acme.test', '--json');
    expect(owner.json).toMatchObject({ email: 'boss@acme.test', role: 'owner', password: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    recordSecret(owner.json.password);
    const taken = await cli('members', 'create', '--partner', partner.json.partner_id, '--email', 'boss@acme.test', '--json');
    expect({ code: taken.code, error: taken.json?.error?.code }).toEqual({ code: 1, error: 'conflict' });

    const project = (await cli('project', 'create', '--name', 'Epsilon', '--json')).json;
    const assigned = await cli('project', 'assign', '--project', project.project_id, '--partner', partner.json.partner_id, '--json');
    expect(assigned.json).toMatchObject({ project_id: project.project_id, partner_id: partner.json.partner_id });
    const named = (await cli('credentials', 'create', '--project', project.project_id, '--name', 'backend', '--json')).json;
    await sys.partnerToken(named);
    const listed = (await cli('credentials', 'list', '--project', project.project_id, '--json')).json.credentials;
    expect(listed.find((c: any) => c.client_id === named.client_id)).toMatchObject({ name: 'backend', created_by: 'cli', expires_at: null, revoked_at: null });
    const { stdout: text } = await run(process.execPath, [join(repoRoot(), 'dist/tools/cli/src/main.js'), 'credentials', 'list', '--project', project.project_id], {
      env: { ...process.env, NATS_SUBJECT_PREFIX: sys.prefix },
    });
    expect(text.split('\n')[0]).toMatch(/^CLIENT ID\s+NAME\s+CREATED\s+BY\s+LAST USED\s+STATUS$/);
    expect(text).toMatch(new RegExp(`${named.client_id}\\s+backend\\s+\\S+\\s+cli\\s+(never|\\S+)\\s+active`));
  });

  it('tokens revoke-all ends every live token of the project; the pairs mint new ones', async () => {
    const created = (await cli('project', 'create', '--name', 'Delta', '--json')).json;
    const before = await sys.partnerToken(created);
    const ended = await cli('tokens', 'revoke-all', '--project', created.project_id, '--json');
    expect(ended.code).toBe(0);
    expect(ended.json).toMatchObject({ project_id: created.project_id, not_before: expect.any(Number) });
    expect((await sys.http.get('/v1/settings', { token: before })).status).toBe(401);
    expect((await sys.http.get('/v1/settings', { token: await sys.partnerToken(created) })).status).toBe(200);
  });

  it('keys rotate prints the new key id, which the next token carries', async () => {
    const created = (await cli('project', 'create', '--name', 'Gamma', '--json')).json;
    const rotated = await cli('keys', 'rotate', '--json');
    expect(rotated.json.kid).toEqual(expect.any(String));
    const token = await sys.partnerToken(created);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid).toBe(rotated.json.kid);
  });

  it('fails with a clear message and a non-zero code on errors', async () => {
    const unknown = await cli('credentials', 'create', '--project', '00000000-0000-4000-8000-000000000000', '--json');
    expect(unknown.code).toBe(1);
    expect(unknown.json.error.message).toEqual(expect.any(String));
    const usage = await cli('project', 'create');
    expect(usage.code).toBe(2);
  });
});
