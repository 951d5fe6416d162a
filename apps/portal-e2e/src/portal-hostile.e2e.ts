/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types are theirs.
import { recordSecret } from '@gatehouse/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { csrfOf, Member, PortalSystem, sessionCookie, signIn } from './support/portal-system';

const SESSION = '__Host-gh_session';

/**
 * Hostile use of the portal: markup in names, posts from another site or without a
 * CSRF token, another partner's member, a planted session id, a cookie replayed
 * after sign-out, and guessing passwords.
 */
describe('the Partner Portal under attack', () => {
  let sys: PortalSystem;
  let alice: Member; // owner at partner A
  let mallory: Member; // owner at partner B
  let ctx: BrowserContext;
  let page: Page;
  let projectA: string;

  beforeAll(async () => {
    // A small brake, to reach it quickly.
    sys = await PortalSystem.start({ PORTAL_LOGIN_FAILURES_PER_ACCOUNT: '3' });
    alice = await sys.createPartner('Partner A');
    mallory = await sys.createPartner('Partner B');
    projectA = (await sys.createProject(alice.partner_id, 'A secret project')).project_id;
    ctx = await sys.context();
    page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    await signIn(page, alice);
    recordSecret(await sessionCookie(ctx));
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
  });

  /** A POST as a script would send it: the given cookie, form and headers. */
  function post(path: string, cookie: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return sys.portal.post(path, { version: null, form, headers: { cookie: `${SESSION}=${cookie}`, ...headers } });
  }

  it('renders markup and quotes in a project name as text', async () => {
    const name = `<script>window.__pwned=1</script>"'><img src=x onerror="window.__pwned=2">`;
    await page.goto('/projects');
    await page.fill('#name', name);
    await Promise.all([page.waitForURL(/\/projects\/[0-9a-f-]{36}$/), page.click('button:has-text("Create project")')]);
    await expect(page.locator('h1').textContent()).resolves.toBe(name);
    await expect(page.locator('#rename-name, #name').first().inputValue()).resolves.toBe(name);
    await page.goto('/projects');
    await expect(page.locator('main').textContent()).resolves.toContain(name);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await expect(page.locator('main img').count()).resolves.toBe(0);
    await expect(page.locator('main script').count()).resolves.toBe(0);
  });

  it('refuses a form posted from another site (the browser sends no cookie, and says where it came from)', async () => {
    const evil = await ctx.newPage();
    await evil.setContent(
      `<form id="f" method="post" action="${sys.portalUrl}/projects"><input name="name" value="from evil"></form>`,
    );
    const [res] = await Promise.all([evil.waitForResponse((r) => r.url().endsWith('/projects') && r.request().method() === 'POST'), evil.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit())]);
    expect(res.status()).toBe(403);
    await page.goto('/projects');
    await expect(page.locator('main').textContent()).resolves.not.toContain('from evil');
    await evil.close();
  });

  it('refuses a cross-origin POST even with the session cookie and a valid CSRF token', async () => {
    await page.goto('/projects');
    const csrf = await csrfOf(page);
    const cookie = (await sessionCookie(ctx)) as string;
    const host = new URL(sys.portalUrl).host;
    expect((await post('/projects', cookie, { _csrf: csrf, name: 'x' }, { origin: 'https://evil.example', host })).status).toBe(403);
    expect((await post('/projects', cookie, { _csrf: csrf, name: 'x' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post('/projects', cookie, { _csrf: csrf, name: 'x' }, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
  });

  it('refuses a POST without the CSRF token, or with another session\'s', async () => {
    const cookie = (await sessionCookie(ctx)) as string;
    expect((await post('/projects', cookie, { name: 'no token' })).status).toBe(403);
    const other = await sys.context();
    const p2 = await other.newPage();
    await signIn(p2, alice);
    const foreignCsrf = await csrfOf(p2);
    recordSecret(await sessionCookie(other));
    expect((await post('/projects', cookie, { _csrf: foreignCsrf, name: 'other token' })).status).toBe(403);
    await other.close();
    await page.goto('/projects');
    await expect(page.locator('main').textContent()).resolves.not.toMatch(/no token|other token/);
  });

  it("gives another partner's member nothing of partner A: every page and every action answers 404", async () => {
    const mctx = await sys.context();
    const m = await mctx.newPage();
    await signIn(m, mallory);
    const cookie = (await sessionCookie(mctx)) as string;
    recordSecret(cookie);
    await expect(m.locator('main').textContent()).resolves.not.toContain('A secret project');
    for (const path of ['', '/settings', '/credentials', '/keys', '/entities', '/audit', `/entities/${projectA}`]) {
      const res = await m.goto(`/projects/${projectA}${path}`);
      expect([path, res?.status()]).toEqual([path, 404]);
      await expect(m.locator('main').textContent()).resolves.not.toContain('A secret project');
    }
    await m.goto('/projects');
    const csrf = await csrfOf(m);
    for (const [path, form] of [
      ['/rename', { name: 'taken' }],
      ['/archive', {}],
      ['/settings', { access_token_ttl: '60' }],
      ['/credentials', { name: 'stolen' }],
      ['/credentials/revoke', { client_id: 'x' }],
      ['/credentials/roll', { client_id: 'x', old_expires: 'now' }],
      ['/keys/rotate', {}],
    ] as const) {
      const res = await post(`/projects/${projectA}${path}`, cookie, { _csrf: csrf, ...form });
      expect([path, res.status]).toEqual([path, 404]);
    }
    // Nor partner A's members: removing one of them is refused as unknown, and the member list shows only B's.
    expect((await post('/members/remove', cookie, { _csrf: csrf, member_id: alice.member_id })).status).toBe(404);
    await m.goto('/members');
    await expect(m.locator('main').textContent()).resolves.not.toContain(alice.email);
    await page.goto('/projects');
    await expect(page.locator('main').textContent()).resolves.toContain('A secret project');
    await mctx.close();
  });

  it('does not promote a session id planted before sign-in (no fixation)', async () => {
    const fctx = await sys.context();
    const planted = 'Pl4nted' + 'x'.repeat(40);
    await fctx.addCookies([{ name: SESSION, value: planted, url: sys.portalUrl, secure: true, httpOnly: true, sameSite: 'Strict' }]);
    const f = await fctx.newPage();
    await signIn(f, alice);
    const after = (await sessionCookie(fctx)) as string;
    recordSecret(after);
    expect(after).not.toBe(planted);
    const res = await sys.portal.get('/projects', { version: null, headers: { cookie: `${SESSION}=${planted}` } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    await fctx.close();
  });

  it('refuses a stolen cookie replayed after sign-out', async () => {
    const sctx = await sys.context();
    const s = await sctx.newPage();
    await signIn(s, alice);
    const stolen = (await sessionCookie(sctx)) as string;
    recordSecret(stolen);
    expect((await sys.portal.get('/projects', { version: null, headers: { cookie: `${SESSION}=${stolen}` } })).status).toBe(200);
    await Promise.all([s.waitForURL(/\/login$/), s.click('button:has-text("Sign out")')]);
    const res = await sys.portal.get('/projects', { version: null, headers: { cookie: `${SESSION}=${stolen}` } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    await sctx.close();
  });

  it('brakes password guessing: after 3 failures even the right password waits (429, Retry-After)', async () => {
    const victim = await sys.createMember(alice.partner_id, 'developer');
    const bctx = await sys.context();
    const b = await bctx.newPage();
    for (let i = 0; i < 3; i++) {
      await b.goto('/login');
      await b.fill('#email', victim.email);
      await b.fill('#password', `wrong-${i}`);
      const [res] = await Promise.all([b.waitForResponse((r) => r.request().method() === 'POST'), b.click('button:has-text("Sign in")')]);
      expect(res.status()).toBe(401);
      await expect(b.locator('main').textContent()).resolves.toContain('Wrong email or password');
    }
    await b.goto('/login');
    await b.fill('#email', victim.email);
    await b.fill('#password', victim.password);
    const [res] = await Promise.all([b.waitForResponse((r) => r.request().method() === 'POST'), b.click('button:has-text("Sign in")')]);
    expect(res.status()).toBe(429);
    expect(Number(res.headers()['retry-after'])).toBeGreaterThan(0);
    expect(await sessionCookie(bctx)).toBeUndefined();
    await bctx.close();
  });
});
