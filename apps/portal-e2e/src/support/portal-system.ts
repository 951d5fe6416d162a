import { randomBytes } from 'node:crypto';
import { AuthSubjects, MemberCreated, PartnerView, ProjectView } from '@gatehouse/contracts';
import { freePort, LocalSystem } from '@gatehouse/supervisor';
import { auditLogFile, HttpClient, recordSecret } from '@gatehouse/testing';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Member {
  email: string;
  password: string;
  member_id: string;
  partner_id: string;
}

/**
 * The whole system (LocalSystem: the compiled services, fresh databases, a subject
 * prefix of the run) with the portal in it, and a headless Chromium to drive it.
 * The gateway's port is chosen first so the portal's "first request" panel names it.
 */
export class PortalSystem {
  private constructor(
    readonly system: LocalSystem,
    readonly browser: Browser,
    /** https://localhost:<port> of the portal. */
    readonly portalUrl: string,
    /** The gateway's public API. */
    readonly api: HttpClient,
    /** Plain HTTPS requests to the portal (no cookie jar, no redirect followed). */
    readonly portal: HttpClient,
  ) {}

  static async start(portalEnv: Record<string, string> = {}): Promise<PortalSystem> {
    // auth limits key rotations from the portal (every project's tokens use the keys): the flows rotate at will.
    const authEnv = { AUTH_PORTAL_KEY_ROTATION_MIN_MINUTES: '0' };
    const gatewayPort = await freePort();
    const apiUrl = `https://localhost:${gatewayPort}`;
    const system = await LocalSystem.start({
      tag: 'portal',
      subjectTag: 'pt',
      env: { LOG_LEVEL: 'info' },
      serviceEnv: { auth: authEnv, gateway: { GATEWAY_PORT: String(gatewayPort) }, portal: { PORTAL_API_URL: apiUrl, ...portalEnv } },
      logFile: ({ runId, instance }) => auditLogFile(`${runId}-${instance}`),
    });
    recordSecret(system.secrets.kek);
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      const portalUrl = `https://localhost:${system.instance('portal').env.PORTAL_PORT}`;
      return new PortalSystem(system, browser, portalUrl, new HttpClient(apiUrl, { ca: system.ca }), new HttpClient(portalUrl, { ca: system.ca }));
    } catch (err) {
      await system.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.api.close().catch(() => undefined);
    await this.portal.close().catch(() => undefined);
    await this.system.stop();
  }

  /** A browser context of its own (its own cookies): one person at one browser. */
  async context(opts: { bypassCSP?: boolean; width?: number } = {}): Promise<BrowserContext> {
    return this.browser.newContext({
      ignoreHTTPSErrors: true,
      bypassCSP: opts.bypassCSP ?? false,
      viewport: { width: opts.width ?? 1280, height: 800 },
      baseURL: this.portalUrl,
    });
  }

  /** A partner and its first member, as the operator makes them (`npm run cli -- partners create`, `members create`). */
  async createPartner(name: string, role: 'owner' | 'developer' | 'viewer' = 'owner'): Promise<Member> {
    const admin = await this.system.admin();
    const partner = await admin.request<PartnerView>(AuthSubjects.partnersCreate, { name });
    return this.createMember(partner.partner_id, role);
  }

  async createMember(partnerId: string, role: 'owner' | 'developer' | 'viewer'): Promise<Member> {
    const admin = await this.system.admin();
    const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    recordSecret(password);
    const created = await admin.request<MemberCreated>(AuthSubjects.membersCreate, { partner_id: partnerId, email, role, password });
    return { email, password, member_id: created.member_id, partner_id: partnerId };
  }

  /** A project of the partner's, made by the operator. */
  async createProject(partnerId: string, name: string): Promise<ProjectView> {
    const admin = await this.system.admin();
    return admin.request<ProjectView>(AuthSubjects.projectCreate, { name, partner_id: partnerId });
  }
}

/** Signs in through the login form, with the keyboard only (Tab and Enter). */
export async function signIn(page: Page, member: { email: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.focus('#email');
  await page.keyboard.type(member.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(member.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login') || u.pathname === '/login/totp'), page.keyboard.press('Enter')]);
}

/** The session cookie the browser holds, if any. */
export async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  const cookies = await context.cookies();
  return cookies.find((c) => c.name === '__Host-gh_session')?.value;
}

/** The CSRF token of the page's first form. */
export async function csrfOf(page: Page): Promise<string> {
  const token = await page.locator('input[name="_csrf"]').first().getAttribute('value');
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}
