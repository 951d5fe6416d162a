/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types are theirs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { recordSecret } from '@gatehouse/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { fitsWidth, PAGE_BUDGET_BYTES, scriptAndStyleBytes, seriousViolations } from './support/page-checks';
import { Member, PortalSystem, sessionCookie, signIn } from './support/portal-system';
import { totpCode } from './support/totp';

const SHOTS = join(__dirname, '..', '..', '..', 'docs', 'portal');

/**
 * Every page of the portal, filled with real data: axe-core finds no serious or
 * critical violation, its scripts and styles stay under 150 KB compressed, it fits a
 * phone's width, and its screenshot goes to docs/portal/ (docs/PORTAL.md shows them).
 * The contexts here bypass the CSP only so that axe can be injected.
 */
describe('every portal page: accessible, lean, phone-width, pictured', () => {
  let sys: PortalSystem;
  let owner: Member;
  let ctx: BrowserContext;
  let page: Page;
  let projectId: string;
  const report: Array<{ name: string; violations: string[]; bytes: number; fits: boolean }> = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sys = await PortalSystem.start();
    owner = await sys.createPartner('Acme Payments');
    ctx = await sys.context({ bypassCSP: true });
    page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
  });

  /** Checks the page as it is now and pictures it (at desktop width, and at phone width when asked). */
  async function check(p: Page, name: string, opts: { phone?: boolean } = {}) {
    const violations = (await seriousViolations(p)).map((v) => `${v.id} (${v.impact}): ${v.help} ${JSON.stringify(v.nodes.slice(0, 3))}`);
    const { bytes } = await scriptAndStyleBytes(p);
    await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    const size = p.viewportSize();
    await p.setViewportSize({ width: 375, height: 800 });
    const fits = await fitsWidth(p);
    if (opts.phone) await p.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
    if (size) await p.setViewportSize(size);
    report.push({ name, violations, bytes, fits });
    expect({ name, violations }).toEqual({ name, violations: [] });
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
    expect({ name, fits }).toEqual({ name, fits: true });
  }

  it('the sign-in page', async () => {
    await page.goto('/login');
    await check(page, 'login', { phone: true });
    await signIn(page, owner);
    recordSecret(await sessionCookie(ctx));
  });

  it('projects, a project and its first-request panel', async () => {
    await page.fill('#name', 'Checkout');
    await Promise.all([page.waitForURL(/\/projects\/[0-9a-f-]{36}$/), page.click('button:has-text("Create project")')]);
    projectId = new URL(page.url()).pathname.split('/')[2];
    await page.goto('/projects');
    await check(page, 'projects', { phone: true });
  });

  it('credentials: a new pair with its secret shown once', async () => {
    await page.goto(`/projects/${projectId}/credentials`);
    await page.fill('#name', 'production backend');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Create credential pair")')]);
    const cred = { client_id: (await page.locator('#client-id').textContent()) ?? '', client_secret: (await page.locator('#client-secret').textContent()) ?? '' };
    recordSecret(cred.client_secret);
    await check(page, 'credentials-created');
    // Some data for the other pages: a token, an entity, a user and a role through the API.
    const token = await sys.api.mintPartnerToken(cred);
    recordSecret(token);
    const entity = await sys.api.post('/v1/entities', {
      token,
      json: { type: 'organization', email: 'billing@acme.example', address: { country: 'DE', city: 'Berlin', postal_code: '10115', line1: 'Unter den Linden 1' }, organization: { legal_name: 'Acme GmbH' } },
    });
    expect(entity.status).toBe(201);
    const headers = { 'x-monite-entity-id': entity.json.id as string };
    const role = await sys.api.post('/v1/roles', { token, headers, json: { name: 'Accountant', permissions: { objects: [{ object_type: 'payable', actions: [{ action_name: 'read', permission: 'allowed' }] }] } } });
    expect(role.json.name).toBe('Accountant');
    const user = await sys.api.post('/v1/entity_users', { token, headers, json: { login: 'casey', first_name: 'Casey', role_id: role.json.id } });
    expect(user.json.login).toBe('casey');
    await page.goto(`/projects/${projectId}/credentials`);
    await check(page, 'credentials');
    await page.goto(`/projects/${projectId}`);
    await check(page, 'project', { phone: true });
    // "Try it" with the pair: the token endpoint's answer and the decoded token.
    await page.fill('#try-client-secret', cred.client_secret);
    await Promise.all([page.waitForURL(/\/try$/), page.click('button:has-text("Try it")')]);
    await expect(page.locator('#try-status').textContent()).resolves.toBe('HTTP 200');
    recordSecret(JSON.parse((await page.locator('#try-body').textContent()) ?? '{}').access_token);
    await check(page, 'project-try');
  });

  it('settings, keys, entities, an entity, the audit trail', async () => {
    await page.goto(`/projects/${projectId}/settings`);
    await check(page, 'settings');
    await page.goto(`/projects/${projectId}/keys`);
    await check(page, 'keys');
    await page.goto(`/projects/${projectId}/entities`);
    await check(page, 'entities');
    await Promise.all([page.waitForURL(/entities\/[0-9a-f-]{36}$/), page.click('main table a')]);
    await expect(page.locator('main').textContent()).resolves.toContain('casey');
    await check(page, 'entity');
    await page.goto(`/projects/${projectId}/audit`);
    await expect(page.locator('main').textContent()).resolves.toContain('credentials.created');
    await check(page, 'audit');
  });

  it('members with an invite link, and the invite page', async () => {
    await page.goto('/members');
    await page.selectOption('#role', 'developer');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Make an invite link")')]);
    const link = ((await page.locator('#invite-url').textContent()) ?? '').trim();
    recordSecret(link.split('/').pop());
    await check(page, 'members');
    const other = await sys.context({ bypassCSP: true });
    const p2 = await other.newPage();
    await p2.goto(link);
    await check(p2, 'invite');
    await other.close();
  });

  it('account: TOTP enrolment (QR), recovery codes, and the TOTP sign-in step', async () => {
    await page.goto('/account');
    await check(page, 'account');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Set up two-step verification")')]);
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').trim();
    recordSecret(secret);
    await check(page, 'account-totp-enrol');
    await page.fill('#confirm-code', totpCode(secret));
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Turn on")')]);
    ((await page.locator('#recovery-codes').textContent()) ?? '').split('\n').forEach((c) => c && recordSecret(c));
    await check(page, 'account-recovery-codes');
    const other = await sys.context({ bypassCSP: true });
    const p2 = await other.newPage();
    await signIn(p2, owner);
    expect(new URL(p2.url()).pathname).toBe('/login/totp');
    recordSecret(await sessionCookie(other));
    await check(p2, 'login-totp');
    await other.close();
  });

  it('the API reference and an error page', async () => {
    await page.goto('/api');
    await check(page, 'api');
    const res = await page.goto(`/projects/00000000-0000-4000-8000-000000000000`);
    expect(res?.status()).toBe(404);
    await check(page, 'not-found');
    expect(report.length).toBeGreaterThanOrEqual(16);
  });
});
