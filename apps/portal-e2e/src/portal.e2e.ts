/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types are theirs.
import { recordSecret } from '@gatehouse/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { csrfOf, Member, PortalSystem, sessionCookie, signIn } from './support/portal-system';
import { nextTotpStep, totpCode } from './support/totp';

/**
 * The portal's main flows in a real browser against the real system: sign in (and
 * with TOTP), projects, a credential pair whose secret is shown once and works at the
 * gateway, "Try it" (a token minted from the portal, a wrong secret refused), settings that change the next token, key rotation, revocation the API
 * obeys at once, a viewer who may not create pairs, removal and signing out everywhere.
 */
describe('the Partner Portal in a browser', () => {
  let sys: PortalSystem;
  let owner: Member;
  let ctx: BrowserContext;
  let page: Page;
  let projectId: string;
  let pair: { client_id: string; client_secret: string };
  const cspViolations: string[] = [];

  beforeAll(async () => {
    sys = await PortalSystem.start();
    owner = await sys.createPartner('Acme Payments');
    ctx = await sys.context();
    page = await ctx.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('dialog', (d) => void d.accept());
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
  });

  async function mint(cred: { client_id: string; client_secret: string }) {
    return sys.api.post('/v1/auth/token', { json: { grant_type: 'client_credentials', ...cred } });
  }

  it('signs in with the keyboard, and the session cookie is __Host-, HttpOnly, Secure, SameSite=Strict', async () => {
    await signIn(page, owner);
    expect(new URL(page.url()).pathname).toBe('/projects');
    await expect(page.locator('h1').textContent()).resolves.toContain('Acme Payments');
    const cookie = (await ctx.cookies()).find((c) => c.name === '__Host-gh_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.domain).toBe('localhost');
    recordSecret(cookie?.value);
  });

  it('creates a project', async () => {
    await page.fill('#name', 'Checkout');
    await Promise.all([page.waitForURL(/\/projects\/[0-9a-f-]{36}$/), page.click('button:has-text("Create project")')]);
    projectId = new URL(page.url()).pathname.split('/')[2];
    await expect(page.locator('h1').textContent()).resolves.toBe('Checkout');
    await expect(page.locator('#first-request').count()).resolves.toBe(1);
  });

  it('creates a credential pair: the secret is shown once, with the warning and a copy button', async () => {
    await page.goto(`/projects/${projectId}/credentials`);
    await page.fill('#name', 'production backend');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Create credential pair")')]);
    await expect(page.locator('body').textContent()).resolves.toContain('The client secret is shown only once; store it securely.');
    pair = { client_id: (await page.locator('#client-id').textContent()) ?? '', client_secret: (await page.locator('#client-secret').textContent()) ?? '' };
    recordSecret(pair.client_secret);
    expect(pair.client_secret.length).toBeGreaterThanOrEqual(32);
    await expect(page.locator('button[data-copy="client-secret"]').isVisible()).resolves.toBe(true);
    // The list, seen again: the pair is there with its name and creator, its secret nowhere.
    await page.goto(`/projects/${projectId}/credentials`);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('production backend');
    expect(text).toContain(owner.email);
    expect(text).toContain(pair.client_id);
    expect(text).not.toContain(pair.client_secret);
    expect(await page.content()).not.toContain(pair.client_secret);
  });

  it('the first request panel names the pair; its secret mints a token at the gateway', async () => {
    await page.goto(`/projects/${projectId}`);
    const curl = (await page.locator('#curl-line').textContent()) ?? '';
    expect(curl).toContain(`"client_id":"${pair.client_id}"`);
    expect(curl).toContain(`${sys.api.baseUrl}/v1/auth/token`);
    expect(curl).not.toContain(pair.client_secret);
    const res = await mint(pair);
    expect(res.status).toBe(200);
    expect(res.json.expires_in).toBe(1800);
    recordSecret(res.json.access_token);
  });

  it('"Try it": the pair and its pasted secret get a token of the project, shown with its decoded claims; a wrong secret gets the endpoint\'s 401 invalid_client', async () => {
    await page.goto(`/projects/${projectId}`);
    const secretInput = page.locator('#try-client-secret');
    await expect(secretInput.getAttribute('autocomplete')).resolves.toBe('off');
    await expect(secretInput.getAttribute('type')).resolves.toBe('password');
    await page.selectOption('#try-client-id', pair.client_id);
    await secretInput.fill(pair.client_secret);
    await Promise.all([page.waitForURL(new RegExp(`/projects/${projectId}/try$`)), page.click('button:has-text("Try it")')]);
    await expect(page.locator('#try-status').textContent()).resolves.toBe('HTTP 200');
    const body = JSON.parse((await page.locator('#try-body').textContent()) ?? '{}');
    recordSecret(body.access_token);
    expect(body).toEqual({ access_token: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/), token_type: 'Bearer', expires_in: 1800 });
    const header = JSON.parse((await page.locator('#try-jwt-header').textContent()) ?? '{}');
    const claims = JSON.parse((await page.locator('#try-jwt-claims').textContent()) ?? '{}');
    expect(header).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(claims).toMatchObject({ sub: pair.client_id, client_id: pair.client_id, project_id: projectId, grant_type: 'client_credentials' });
    // A real token of the project: the API takes it.
    expect((await sys.api.get('/v1/settings', { token: body.access_token })).status).toBe(200);
    // The secret is nowhere on the answer's page, not even in the field.
    expect(await page.content()).not.toContain(pair.client_secret);
    await expect(secretInput.inputValue()).resolves.toBe('');

    await page.selectOption('#try-client-id', pair.client_id);
    await secretInput.fill('not-the-secret');
    await Promise.all([page.waitForURL(/\/try$/), page.click('button:has-text("Try it")')]);
    await expect(page.locator('#try-status').textContent()).resolves.toBe('HTTP 401');
    await expect(page.locator('#try-error').textContent()).resolves.toBe('invalid_client');
    await expect(page.locator('#try-jwt-claims').count()).resolves.toBe(0);
    // Exactly what the gateway answers to the panel's curl line with that secret.
    const gateway = await mint({ client_id: pair.client_id, client_secret: 'not-the-secret' });
    expect(gateway.status).toBe(401);
    expect(JSON.parse((await page.locator('#try-body').textContent()) ?? '{}')).toEqual(gateway.json);
    // The answer's address, reloaded as a GET, is the overview: a try is never repeated by a GET.
    await page.goto(`/projects/${projectId}/try`);
    expect(new URL(page.url()).pathname).toBe(`/projects/${projectId}`);
    await expect(page.locator('#try-result').count()).resolves.toBe(0);
  });

  it('changes the token lifetime in the settings, and the next token has it', async () => {
    await page.goto(`/projects/${projectId}/settings`);
    await page.fill('#access_token_ttl', '600');
    await page.selectOption('select[name="perm.entity_user.read"]', 'allowed');
    await Promise.all([page.waitForURL(/settings\?saved=1$/), page.click('button:has-text("Save settings")')]);
    await expect(page.locator('#access_token_ttl').inputValue()).resolves.toBe('600');
    await expect(page.locator('select[name="perm.entity_user.read"]').inputValue()).resolves.toBe('allowed');
    const res = await mint(pair);
    expect(res.status).toBe(200);
    expect(res.json.expires_in).toBe(600);
    recordSecret(res.json.access_token);
  });

  it('refuses a lifetime the API would refuse, with a 4xx page that says why', async () => {
    await page.goto(`/projects/${projectId}/settings`);
    await page.fill('#access_token_ttl', '5');
    await page.evaluate(() => document.querySelector('#access_token_ttl')?.removeAttribute('min'));
    const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button:has-text("Save settings")')]);
    expect(res.status()).toBe(400);
    await expect(page.locator('main').textContent()).resolves.toMatch(/access_token_ttl|lifetime/i);
  });

  it('rotates the signing keys: the next token is signed by the new key', async () => {
    const before = JSON.parse(Buffer.from((await mint(pair)).json.access_token.split('.')[0], 'base64url').toString()).kid;
    await page.goto(`/projects/${projectId}/keys`);
    await Promise.all([page.waitForURL(/keys\?rotated=/), page.click('button:has-text("Rotate keys")')]);
    const kid = new URL(page.url()).searchParams.get('rotated');
    expect(kid).toBeTruthy();
    expect(kid).not.toBe(before);
    await expect(page.locator('main').textContent()).resolves.toContain('retired');
    const res = await mint(pair);
    recordSecret(res.json.access_token);
    expect(JSON.parse(Buffer.from(res.json.access_token.split('.')[0], 'base64url').toString()).kid).toBe(kid);
  });

  it('revokes the pair after a confirmation: the API refuses it and its tokens at once', async () => {
    const token = (await mint(pair)).json.access_token as string;
    recordSecret(token);
    expect((await sys.api.get('/v1/settings', { token })).status).toBe(200);
    await page.goto(`/projects/${projectId}/credentials`);
    await Promise.all([page.waitForURL(/credentials\?revoked=1$/), page.click('button:has-text("Revoke")')]);
    await expect(page.locator('main').textContent()).resolves.toContain('revoked');
    expect((await mint(pair)).status).toBe(401);
    expect((await sys.api.get('/v1/settings', { token })).status).toBe(401);
  });

  it('rolls a pair: the new pair (same name) works at once, the old one until the time picked', async () => {
    await page.goto(`/projects/${projectId}/credentials`);
    await page.fill('#name', 'rolling');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Create credential pair")')]);
    const old = { client_id: (await page.locator('#client-id').textContent()) ?? '', client_secret: (await page.locator('#client-secret').textContent()) ?? '' };
    recordSecret(old.client_secret);
    const row = page.locator('tr', { hasText: old.client_id });
    await row.locator('select[name="old_expires"]').selectOption('now');
    await Promise.all([page.waitForLoadState('load'), row.locator('button:has-text("Roll")').click()]);
    await expect(page.locator('main').textContent()).resolves.toContain('The client secret is shown only once; store it securely.');
    const rolled = { client_id: (await page.locator('#client-id').textContent()) ?? '', client_secret: (await page.locator('#client-secret').textContent()) ?? '' };
    recordSecret(rolled.client_secret);
    expect(rolled.client_id).not.toBe(old.client_id);
    await expect(page.locator('tr', { hasText: rolled.client_id }).textContent()).resolves.toContain('rolling');
    const fresh = await mint(rolled);
    expect(fresh.status).toBe(200);
    recordSecret(fresh.json.access_token);
    // "at once": the old pair is refused a few seconds after the roll.
    await new Promise((r) => setTimeout(r, 6_500));
    expect((await mint(old)).status).toBe(401);
    await page.goto(`/projects/${projectId}/credentials`);
    await expect(page.locator('tr', { hasText: old.client_id }).textContent()).resolves.toContain('expired');
  });

  it('turns TOTP on (QR code drawn by the portal, recovery codes shown once), then signing in asks for a code', async () => {
    await page.goto('/account');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Set up two-step verification")')]);
    const src = (await page.locator('img.qr').getAttribute('src')) ?? '';
    expect(src.startsWith('data:image/png;base64,')).toBe(true);
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').trim();
    recordSecret(secret);
    await page.fill('#confirm-code', totpCode(secret));
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Turn on")')]);
    const codes = ((await page.locator('#recovery-codes').textContent()) ?? '').split('\n').filter(Boolean);
    expect(codes).toHaveLength(10);
    codes.forEach(recordSecret);

    const other = await sys.context();
    const p2 = await other.newPage();
    await signIn(p2, owner);
    expect(new URL(p2.url()).pathname).toBe('/login/totp');
    // Half signed in: no page but the code's.
    await p2.goto('/projects');
    expect(new URL(p2.url()).pathname).toBe('/login');
    await signIn(p2, owner);
    const pending = await sessionCookie(other);
    // A wrong code is refused, and the step stays.
    const [wrong] = await Promise.all([p2.waitForResponse((r) => r.request().method() === 'POST'), p2.fill('#code', String((Number(totpCode(secret)) + 1) % 1_000_000).padStart(6, '0')).then(() => p2.click('button:has-text("Verify")'))]);
    expect(wrong.status()).toBe(401);
    // The code that turned TOTP on was used: the next one signs in.
    await nextTotpStep();
    await p2.fill('#code', totpCode(secret));
    await Promise.all([p2.waitForURL(/\/projects$/), p2.click('button:has-text("Verify")')]);
    const full = await sessionCookie(other);
    recordSecret(pending);
    recordSecret(full);
    expect(full).not.toBe(pending);
    await other.close();
  });

  it('invites a viewer by a one-time link; the viewer sees no create button and a forged POST is refused', async () => {
    await page.goto('/members');
    await page.selectOption('#role', 'viewer');
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Make an invite link")')]);
    const link = ((await page.locator('#invite-url').textContent()) ?? '').trim();
    recordSecret(link.split('/').pop());
    expect(link.startsWith(`${sys.portalUrl}/invite/`)).toBe(true);

    const vctx = await sys.context();
    const v = await vctx.newPage();
    await v.goto(link);
    await expect(v.locator('main').textContent()).resolves.toContain('viewer');
    const viewer = { email: 'viewer@example.com', password: 'a viewer password 123' };
    recordSecret(viewer.password);
    await v.fill('#email', viewer.email);
    await v.fill('#password', viewer.password);
    await Promise.all([v.waitForURL(/\/projects$/), v.click('button:has-text("Join")')]);
    recordSecret(await sessionCookie(vctx));
    // The link worked once.
    const again = await sys.portal.get(new URL(link).pathname, { version: null });
    expect(again.status).toBe(404);

    await v.goto(`/projects/${projectId}/credentials`);
    await expect(v.locator('button:has-text("Create credential pair")').count()).resolves.toBe(0);
    await expect(v.locator('button:has-text("Revoke")').count()).resolves.toBe(0);
    await v.goto(`/projects`);
    await expect(v.locator('button:has-text("Create project")').count()).resolves.toBe(0);
    // A forged form, with the viewer's own valid CSRF token, posted from the portal's origin.
    const csrf = await csrfOf(v);
    const status = await v.evaluate(
      async ([id, token]) => {
        const res = await fetch(`/projects/${id}/credentials`, { method: 'POST', body: new URLSearchParams({ _csrf: token, name: 'forged' }) });
        return res.status;
      },
      [projectId, csrf] as const,
    );
    expect(status).toBe(403);
    // Minting is not a read: the viewer gets a note instead of "Try it", and a forged try is refused by auth.
    await v.goto(`/projects/${projectId}`);
    await expect(v.locator('#try-it-viewer').count()).resolves.toBe(1);
    await expect(v.locator('#try-client-secret').count()).resolves.toBe(0);
    const tried = await v.evaluate(
      async ([id, token, clientId]) => {
        const res = await fetch(`/projects/${id}/try`, { method: 'POST', body: new URLSearchParams({ _csrf: token, client_id: clientId, client_secret: 'anything' }) });
        return res.status;
      },
      [projectId, csrf, pair.client_id] as const,
    );
    expect(tried).toBe(403);
    await page.goto(`/projects/${projectId}/credentials`);
    await expect(page.locator('main').textContent()).resolves.not.toContain('forged');

    // Removed by the owner: the viewer's session ends at once.
    await page.goto('/members');
    await Promise.all([page.waitForURL(/members\?removed=1$/), page.locator('tr', { hasText: viewer.email }).locator('button:has-text("Remove")').click()]);
    await v.goto('/projects');
    expect(new URL(v.url()).pathname).toBe('/login');
    await vctx.close();
  });

  it('signs out everywhere: every other session of the member ends too', async () => {
    const other = await sys.context();
    const p2 = await other.newPage();
    await signIn(p2, owner);
    // TOTP is on: this one is half signed in (the code step), which ends with the rest.
    expect(['/login/totp', '/projects']).toContain(new URL(p2.url()).pathname);
    await page.goto('/account');
    await Promise.all([page.waitForURL(/\/login$/), page.click('button:has-text("Sign out everywhere")')]);
    await page.goto('/projects');
    expect(new URL(page.url()).pathname).toBe('/login');
    await p2.goto('/projects');
    expect(new URL(p2.url()).pathname).toBe('/login');
    await other.close();
  });

  it('hit no Content-Security-Policy violation on any page (no inline script or style anywhere)', () => {
    expect(cspViolations).toEqual([]);
  });
});
