import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Secret } from 'otpauth';
import { DataSource } from 'typeorm';
import type { AuditEventKind, MemberRole } from '@gatehouse/contracts';
import { createLogger, ensureDatabase, NatsService } from '@gatehouse/platform';
import { AccountsService } from '../accounts/accounts.service';
import { InviteEntity } from '../accounts/invite.entity';
import { MemberEntity } from '../accounts/member.entity';
import { PartnerEntity } from '../accounts/partner.entity';
import { AUTH_ENTITIES, AUTH_MIGRATIONS } from '../app.module';
import type { AuditTrailService, ProjectEvent } from '../audit/audit-trail.service';
import { AuthConfig } from '../config';
import { ClientCredentialEntity } from '../credentials/client-credential.entity';
import { CredentialsService } from '../credentials/credentials.service';
import { KeysService } from '../keys/keys.service';
import { SigningKeyEntity } from '../keys/signing-key.entity';
import { ProjectEntity } from '../projects/project.entity';
import { ProjectsService } from '../projects/projects.service';
import { MemberSessionEntity } from '../sessions/member-session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { totpCodeAt } from '../totp/totp-codes';
import { TotpService } from '../totp/totp.service';
import { PortalAccessService } from './portal-access.service';
import { PortalMembersController } from './portal-members.controller';
import { PortalProjectsController } from './portal-projects.controller';
import { PortalSessionsController } from './portal-sessions.controller';
import { PortalTokensController } from './portal-tokens.controller';
import { RevocationsService } from '../tokens/revocations.service';
import { RevokedTokenEntity } from '../tokens/revoked-token.entity';
import { TokensService } from '../tokens/tokens.service';
import { decode, verify } from 'jsonwebtoken';

/**
 * The portal's subjects as auth serves them, on the real PostgreSQL (a database
 * of its own) and NATS (a subject prefix of its own): the controllers and
 * services wired as the module wires them, with a clock the test moves (session
 * expiry) and the project trail captured as it is handed to the publisher.
 */
const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const IDLE_MIN = 30;
const ABSOLUTE_H = 12;

describe('the portal subjects (real PostgreSQL and NATS)', () => {
  const runId = randomUUID().slice(0, 8);
  const dbName = `gh_test_${runId}_auth_portal`;
  const dbUrl = (() => {
    const u = new URL(PG);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  let ds: DataSource;
  let nats: NatsService;
  let skew = 0;
  const clock = () => Date.now() + skew;
  const trail: Array<{ kind: AuditEventKind; e: ProjectEvent }> = [];

  let accounts: AccountsService;
  let sessions: SessionsService;
  let projects: ProjectsService;
  let credentials: CredentialsService;
  let auth: PortalSessionsController;
  let members: PortalMembersController;
  let portal: PortalProjectsController;
  let tokens: PortalTokensController;
  let keys: KeysService;

  const config = {
    AUTH_SESSION_IDLE_MINUTES: IDLE_MIN,
    AUTH_SESSION_ABSOLUTE_HOURS: ABSOLUTE_H,
    AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AUTH_DATABASE_URL: dbUrl,
    AUTH_PORTAL_KEY_ROTATION_MIN_MINUTES: 10,
    AUTH_ISSUER: 'https://gatehouse.test',
  } as AuthConfig;

  beforeAll(async () => {
    await ensureDatabase(dbUrl);
    ds = new DataSource({ type: 'postgres', url: dbUrl, entities: AUTH_ENTITIES, migrations: AUTH_MIGRATIONS });
    await ds.initialize();
    await ds.runMigrations();
    nats = await NatsService.connect({ url: NATS_URL, name: `auth-portal-int-${runId}`, prefix: `pint${runId}.`, requestTimeoutMs: 2_000, logger: createLogger('auth-int', 'silent') });
    projects = new ProjectsService(ds.getRepository(ProjectEntity), nats);
    projects.onModuleInit();
    credentials = new CredentialsService(ds.getRepository(ClientCredentialEntity), projects, nats);
    credentials.onModuleInit();
    keys = new KeysService(ds.getRepository(SigningKeyEntity), ds, nats, config);
    await keys.init();
    accounts = new AccountsService(ds.getRepository(PartnerEntity), ds.getRepository(MemberEntity), ds.getRepository(InviteEntity));
    sessions = new SessionsService(ds.getRepository(MemberSessionEntity), accounts, config, clock);
    const totp = new TotpService(ds.getRepository(MemberEntity), config);
    const access = new PortalAccessService(sessions, projects);
    const recorder = { enabled: true, record: (kind: AuditEventKind, e: ProjectEvent) => void trail.push({ kind, e }) } as unknown as AuditTrailService;
    auth = new PortalSessionsController(accounts, sessions, totp, access);
    members = new PortalMembersController(accounts, sessions, access, ds);
    portal = new PortalProjectsController(access, projects, credentials, keys, sessions, recorder, config);
    const revocations = new RevocationsService(ds.getRepository(RevokedTokenEntity), nats);
    tokens = new PortalTokensController(access, credentials, new TokensService(credentials, projects, keys, revocations, nats, config, recorder));
  });

  afterAll(async () => {
    await credentials?.onApplicationShutdown();
    await nats?.close();
    await ds?.destroy();
    const admin = new Client({ connectionString: PG });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });

  afterEach(() => {
    skew = 0;
  });

  /** The error code a call fails with, or 'ok'. */
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { error?: { code?: string }; code?: string }) => e.code ?? e.error?.code ?? String(e),
    );

  const PASSWORD = 'correct horse battery staple';
  let n = 0;
  /** A partner with an owner signed in, and one project. */
  async function partner(): Promise<{ partnerId: string; ownerEmail: string; owner: string; projectId: string }> {
    const p = await accounts.createPartner(`Partner ${++n}`);
    const ownerEmail = `owner${n}-${runId}@example.com`;
    await accounts.createMember(p.partner_id, ownerEmail, 'owner', PASSWORD);
    const owner = (await auth.login({ email: ownerEmail, password: PASSWORD })).session_token;
    const project = await portal.create({ session_token: owner, name: `Project ${n}` });
    return { partnerId: p.partner_id, ownerEmail, owner, projectId: project.project_id };
  }
  async function memberOf(partnerId: string, role: MemberRole): Promise<{ id: string; email: string; token: string }> {
    const email = `${role}${++n}-${runId}@Example.com`;
    const created = await accounts.createMember(partnerId, email, role, PASSWORD);
    const token = (await auth.login({ email: email.toUpperCase(), password: PASSWORD })).session_token;
    return { id: created.member_id, email: created.email, token };
  }

  describe('sign-in', () => {
    it('refuses a wrong password and an unknown email alike, and signs in with the right one', async () => {
      const p = await partner();
      expect(await outcome(auth.login({ email: p.ownerEmail, password: 'wrong password!' }))).toBe('unauthenticated');
      expect(await outcome(auth.login({ email: `nobody-${runId}@example.com`, password: PASSWORD }))).toBe('unauthenticated');
      const s = await auth.login({ email: p.ownerEmail, password: PASSWORD, client_address: '203.0.113.9', user_agent: 'jest' });
      expect(s.totp_required).toBe(false);
      expect(s.session_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const view = await auth.get({ session_token: s.session_token });
      expect(view.member).toMatchObject({ email: p.ownerEmail, role: 'owner', totp_enabled: false });
      expect(view.partner.id).toBe(p.partnerId);
      // Only the SHA-256 of the token is stored.
      const stored = await ds.query(`SELECT encode(token_hash, 'hex') AS h FROM member_sessions`);
      expect(stored.some((r: { h: string }) => r.h.includes(Buffer.from(s.session_token).toString('hex')))).toBe(false);
      expect(await outcome(auth.get({ session_token: 'x'.repeat(43) }))).toBe('unauthenticated');
      expect(await outcome(auth.get({ session_token: 'short' }))).toBe('unauthenticated');
    });

    it('refuses a removed member at login, and their sessions end at once on removal', async () => {
      const p = await partner();
      const dev = await memberOf(p.partnerId, 'developer');
      const second = (await auth.login({ email: dev.email, password: PASSWORD })).session_token;
      expect(await outcome(auth.get({ session_token: dev.token }))).toBe('ok');
      // A developer may not remove anyone.
      expect(await outcome(members.remove({ session_token: dev.token, member_id: dev.id }))).toBe('forbidden');
      const removed = await members.remove({ session_token: p.owner, member_id: dev.id });
      expect(removed.sessions_ended).toBe(2);
      expect(await outcome(auth.get({ session_token: dev.token }))).toBe('unauthenticated');
      expect(await outcome(auth.get({ session_token: second }))).toBe('unauthenticated');
      expect(await outcome(auth.login({ email: dev.email, password: PASSWORD }))).toBe('unauthenticated');
      expect((await members.list({ session_token: p.owner })).members.map((m) => m.email)).toEqual([p.ownerEmail]);
    });

    it('keeps the last owner: removing them is a conflict; another owner makes it possible', async () => {
      const p = await partner();
      const ownerId = (await auth.get({ session_token: p.owner })).member.id;
      expect(await outcome(members.remove({ session_token: p.owner, member_id: ownerId }))).toBe('conflict');
      const other = await memberOf(p.partnerId, 'owner');
      expect(await outcome(members.remove({ session_token: other.token, member_id: ownerId }))).toBe('ok');
      expect(await outcome(auth.get({ session_token: p.owner }))).toBe('unauthenticated');
    });
  });

  describe('sessions', () => {
    it('end after the idle limit without a request', async () => {
      const p = await partner();
      skew = (IDLE_MIN - 1) * 60_000;
      expect(await outcome(auth.get({ session_token: p.owner }))).toBe('ok'); // touched: the idle clock starts again
      skew += (IDLE_MIN - 1) * 60_000;
      expect(await outcome(auth.get({ session_token: p.owner }))).toBe('ok');
      skew += IDLE_MIN * 60_000 + 1_000;
      expect(await outcome(auth.get({ session_token: p.owner }))).toBe('unauthenticated');
    });

    it('end at the absolute expiry however busy', async () => {
      const p = await partner();
      for (let t = 20; t < ABSOLUTE_H * 60; t += 20) {
        skew = t * 60_000;
        expect(await outcome(auth.get({ session_token: p.owner }))).toBe('ok');
      }
      skew = ABSOLUTE_H * 3_600_000 + 1_000;
      expect(await outcome(auth.get({ session_token: p.owner }))).toBe('unauthenticated');
    });

    it('logout ends one session; logout_all ends every session of the member', async () => {
      const p = await partner();
      const a = (await auth.login({ email: p.ownerEmail, password: PASSWORD })).session_token;
      const b = (await auth.login({ email: p.ownerEmail, password: PASSWORD })).session_token;
      expect(await auth.logout({ session_token: a })).toEqual({ sessions_ended: 1 });
      expect(await outcome(auth.get({ session_token: a }))).toBe('unauthenticated');
      expect(await outcome(auth.get({ session_token: b }))).toBe('ok');
      expect(await auth.logoutAll({ session_token: b })).toEqual({ sessions_ended: 2 }); // b and p.owner
      expect(await outcome(auth.get({ session_token: b }))).toBe('unauthenticated');
      expect(await outcome(auth.get({ session_token: p.owner }))).toBe('unauthenticated');
    });
  });

  describe('TOTP', () => {
    it('enrols, confirms with a code, then asks for a code at sign-in; recovery codes work once', async () => {
      const p = await partner();
      const enrolled = await auth.enroll({ session_token: p.owner });
      expect(enrolled.otpauth_url).toMatch(/^otpauth:\/\/totp\/Gatehouse:.*secret=/);
      const secret = Buffer.from(Secret.fromBase32(enrolled.secret_base32).bytes);
      // The secret is sealed with the KEK: not stored as it is.
      const [row] = await ds.query(`SELECT totp_secret_ciphertext AS c FROM members WHERE email = $1`, [p.ownerEmail]);
      expect(Buffer.compare(row.c, secret)).not.toBe(0);

      expect(await outcome(auth.confirm({ session_token: p.owner, code: '000000' === totpCodeAt(secret, clock()) ? '111111' : '000000' }))).toBe('invalid_request');
      const { recovery_codes } = await auth.confirm({ session_token: p.owner, code: totpCodeAt(secret, clock()) });
      expect(recovery_codes).toHaveLength(10);
      expect(new Set(recovery_codes).size).toBe(10);
      const [stored] = await ds.query(`SELECT recovery_code_hashes AS h FROM members WHERE email = $1`, [p.ownerEmail]);
      expect(stored.h).toHaveLength(10);
      expect(JSON.stringify(stored.h)).not.toContain(recovery_codes[0]);

      // Sign-in now takes a second step; the half session is good for nothing else.
      const half = await auth.login({ email: p.ownerEmail, password: PASSWORD });
      expect(half.totp_required).toBe(true);
      expect(await outcome(auth.get({ session_token: half.session_token }))).toBe('unauthenticated');
      expect(await outcome(portal.list({ session_token: half.session_token }))).toBe('unauthenticated');
      expect(await outcome(auth.verify({ session_token: half.session_token, code: 'aaaa-bbbb-cccc' }))).toBe('invalid_request');
      skew = 30_000; // the confirming code's step is used: the next one
      const full = await auth.verify({ session_token: half.session_token, code: totpCodeAt(secret, clock()) });
      expect(full.session_token).not.toBe(half.session_token);
      expect(await outcome(auth.get({ session_token: full.session_token }))).toBe('ok');
      expect(await outcome(auth.verify({ session_token: half.session_token, code: totpCodeAt(secret, clock()) }))).toBe('unauthenticated');

      // The same TOTP code again: refused (a code works once).
      const again = await auth.login({ email: p.ownerEmail, password: PASSWORD });
      expect(await outcome(auth.verify({ session_token: again.session_token, code: totpCodeAt(secret, clock()) }))).toBe('invalid_request');
      // A recovery code (as typed: case and spaces do not matter) works once.
      const typed = ` ${recovery_codes[3].toUpperCase().replace(/-/g, ' ')} `;
      expect(await outcome(auth.verify({ session_token: again.session_token, code: typed }))).toBe('ok');
      const third = await auth.login({ email: p.ownerEmail, password: PASSWORD });
      expect(await outcome(auth.verify({ session_token: third.session_token, code: recovery_codes[3] }))).toBe('invalid_request');
      const [left] = await ds.query(`SELECT recovery_code_hashes AS h FROM members WHERE email = $1`, [p.ownerEmail]);
      expect(left.h).toHaveLength(9);
    });

    it('locks a half session after five wrong codes', async () => {
      const p = await partner();
      const { secret_base32 } = await auth.enroll({ session_token: p.owner });
      const secret = Buffer.from(Secret.fromBase32(secret_base32).bytes);
      await auth.confirm({ session_token: p.owner, code: totpCodeAt(secret, clock()) });
      const half = await auth.login({ email: p.ownerEmail, password: PASSWORD });
      for (let i = 0; i < 5; i++) expect(await outcome(auth.verify({ session_token: half.session_token, code: 'zzzz-zzzz-zzzz' }))).toBe('invalid_request');
      skew = 30_000;
      expect(await outcome(auth.verify({ session_token: half.session_token, code: totpCodeAt(secret, clock()) }))).toBe('unauthenticated');
    });

    it('ends a full session after five wrong codes to turn TOTP off', async () => {
      const p = await partner();
      const { secret_base32 } = await auth.enroll({ session_token: p.owner });
      const secret = Buffer.from(Secret.fromBase32(secret_base32).bytes);
      const { recovery_codes } = await auth.confirm({ session_token: p.owner, code: totpCodeAt(secret, clock()) });
      const half = await auth.login({ email: p.ownerEmail, password: PASSWORD });
      const full = await auth.verify({ session_token: half.session_token, code: recovery_codes[0] });
      for (let i = 0; i < 5; i++) expect(await outcome(auth.disable({ session_token: full.session_token, code: 'zzzz-zzzz-zzzz' }))).toBe('invalid_request');
      expect(await outcome(auth.get({ session_token: full.session_token }))).toBe('unauthenticated');
      expect(await outcome(auth.get({ session_token: p.owner }))).toBe('ok');
    });

    it('purges sessions and invites a week after they end', async () => {
      const p = await partner();
      const ended = (await auth.login({ email: p.ownerEmail, password: PASSWORD })).session_token;
      await auth.logout({ session_token: ended });
      const count = async () => Number((await ds.query(`SELECT count(*) AS n FROM member_sessions WHERE revoked_at IS NOT NULL`))[0].n);
      const before = await count();
      await sessions.purge();
      expect(await count()).toBe(before);
      skew = 8 * 86_400_000;
      await sessions.purge();
      expect(await count()).toBe(0);
    });

    it('turns off with a good code only', async () => {
      const p = await partner();
      const { secret_base32 } = await auth.enroll({ session_token: p.owner });
      const secret = Buffer.from(Secret.fromBase32(secret_base32).bytes);
      await auth.confirm({ session_token: p.owner, code: totpCodeAt(secret, clock()) });
      expect(await outcome(auth.disable({ session_token: p.owner, code: 'abcd-efgh-jkmn' }))).toBe('invalid_request');
      skew = 30_000;
      expect(await auth.disable({ session_token: p.owner, code: totpCodeAt(secret, clock()) })).toEqual({ totp_enabled: false });
      expect((await auth.login({ email: p.ownerEmail, password: PASSWORD })).totp_required).toBe(false);
    });
  });

  describe('invites', () => {
    it('are made by owners only, shown once, and accepted once', async () => {
      const p = await partner();
      const viewer = await memberOf(p.partnerId, 'viewer');
      expect(await outcome(members.invite({ session_token: viewer.token, role: 'developer' }))).toBe('forbidden');
      const invite = await members.invite({ session_token: p.owner, role: 'developer' });
      expect(await ds.query(`SELECT 1 FROM invites WHERE token_hash = decode($1, 'hex')`, [Buffer.from(invite.invite_token).toString('hex')])).toEqual([]);
      expect(await members.info({ invite_token: invite.invite_token })).toMatchObject({ role: 'developer', partner_name: expect.stringMatching(/^Partner /) });
      expect((await members.list({ session_token: p.owner })).invites.map((i) => i.id)).toEqual([invite.invite_id]);

      const email = `invited-${runId}@example.com`;
      const joined = await members.accept({ invite_token: invite.invite_token, email, password: 'a long enough password' });
      expect((await auth.get({ session_token: joined.session_token })).member).toMatchObject({ email, role: 'developer' });
      expect(await outcome(members.accept({ invite_token: invite.invite_token, email: `again-${runId}@example.com`, password: 'a long enough password' }))).toBe('not_found');
      expect(await outcome(members.info({ invite_token: invite.invite_token }))).toBe('not_found');
      expect((await members.list({ session_token: p.owner })).invites).toEqual([]);
    });

    it('cannot take an email a member has: the invite stays usable', async () => {
      const p = await partner();
      const invite = await members.invite({ session_token: p.owner, role: 'viewer' });
      expect(await outcome(members.accept({ invite_token: invite.invite_token, email: p.ownerEmail, password: 'a long enough password' }))).toBe('conflict');
      expect(await outcome(members.accept({ invite_token: invite.invite_token, email: `fresh-${runId}@example.com`, password: 'a long enough password' }))).toBe('ok');
    });
  });

  describe('roles and partners', () => {
    it('lets a viewer read but not change', async () => {
      const p = await partner();
      const viewer = await memberOf(p.partnerId, 'viewer');
      const v = { session_token: viewer.token, project_id: p.projectId };
      expect(await outcome(portal.credentialsList(v))).toBe('ok');
      expect(await outcome(portal.settings(v))).toBe('ok');
      expect(await outcome(portal.keysList(v))).toBe('ok');
      expect(await portal.check(v)).toMatchObject({ role: 'viewer', partner_id: p.partnerId, project_id: p.projectId });
      expect(await outcome(portal.credentialsCreate({ ...v, name: 'nope' }))).toBe('forbidden');
      expect(await outcome(portal.rename({ ...v, name: 'nope' }))).toBe('forbidden');
      expect(await outcome(portal.archive(v))).toBe('forbidden');
      expect(await outcome(portal.updateSettings({ ...v, settings: { access_token_ttl: 600 } }))).toBe('forbidden');
      expect(await outcome(portal.create({ session_token: viewer.token, name: 'nope' }))).toBe('forbidden');
      expect(await outcome(portal.keysRotate(v))).toBe('forbidden');
      expect((await portal.credentialsList(v)).credentials).toEqual([]);
    });

    it("answers another partner's member not_found on every project subject, whatever their role", async () => {
      const mine = await partner();
      const pair = await portal.credentialsCreate({ session_token: mine.owner, project_id: mine.projectId, name: 'mine' });
      const theirs = await partner();
      const t = { session_token: theirs.owner, project_id: mine.projectId };
      const calls: Record<string, () => Promise<unknown>> = {
        rename: () => portal.rename({ ...t, name: 'stolen' }),
        archive: () => portal.archive(t),
        settingsGet: () => portal.settings(t),
        settingsUpdate: () => portal.updateSettings({ ...t, settings: { access_token_ttl: 600 } }),
        credentialsList: () => portal.credentialsList(t),
        credentialsCreate: () => portal.credentialsCreate({ ...t, name: 'x' }),
        credentialsRoll: () => portal.credentialsRoll({ ...t, client_id: pair.client_id, old_expires_at: new Date().toISOString() }),
        credentialsRevoke: () => portal.credentialsRevoke({ ...t, client_id: pair.client_id }),
        keysList: () => portal.keysList(t),
        keysRotate: () => portal.keysRotate(t),
        accessCheck: () => portal.check(t),
      };
      const outcomes: Record<string, string> = {};
      for (const [name, call] of Object.entries(calls)) outcomes[name] = await outcome(call());
      expect(outcomes).toEqual(Object.fromEntries(Object.keys(calls).map((k) => [k, 'not_found'])));
      // Their viewer too (not_found before forbidden: the project's existence is not revealed).
      const viewer = await memberOf(theirs.partnerId, 'viewer');
      expect(await outcome(portal.credentialsCreate({ session_token: viewer.token, project_id: mine.projectId, name: 'x' }))).toBe('not_found');
      // Nothing changed, and a pair of this project is not found through the other partner's project either.
      expect((await portal.credentialsList({ session_token: mine.owner, project_id: mine.projectId })).credentials.map((c) => c.revoked_at)).toEqual([null]);
      expect(await outcome(portal.credentialsRevoke({ session_token: theirs.owner, project_id: theirs.projectId, client_id: pair.client_id }))).toBe('not_found');
      expect((await portal.list({ session_token: theirs.owner })).projects.map((x) => x.project_id)).toEqual([theirs.projectId]);
      // A member of another partner cannot be removed either.
      const mineOwner = (await auth.get({ session_token: mine.owner })).member.id;
      expect(await outcome(members.remove({ session_token: theirs.owner, member_id: mineOwner }))).toBe('not_found');
    });

    it('validates settings as PATCH /v1/settings does', async () => {
      const p = await partner();
      const s = { session_token: p.owner, project_id: p.projectId };
      expect(await outcome(portal.updateSettings({ ...s, settings: { access_token_ttl: 5 } }))).toBe('invalid_request');
      expect(await outcome(portal.updateSettings({ ...s, settings: { unknown_setting: true } }))).toBe('invalid_request');
      expect((await portal.updateSettings({ ...s, settings: { access_token_ttl: 600 } })).access_token_ttl).toBe(600);
      expect(trail.find((t) => t.kind === 'settings.updated' && t.e.projectId === p.projectId)?.e.details).toMatchObject({ actor: { email: p.ownerEmail } });
    });
  });

  describe('credentials', () => {
    it('are named, record who made them, and their last use (written in batches)', async () => {
      const p = await partner();
      const pair = await portal.credentialsCreate({ session_token: p.owner, project_id: p.projectId, name: 'backend' });
      expect(pair).toMatchObject({ name: 'backend', created_by: p.ownerEmail, last_used_at: null, expires_at: null, revoked_at: null });
      await expect(credentials.authenticate(pair.client_id, pair.client_secret)).resolves.toBe(p.projectId);
      expect((await portal.credentialsList({ session_token: p.owner, project_id: p.projectId })).credentials[0].last_used_at).toBeNull();
      expect(await credentials.flushLastUsed()).toBeGreaterThanOrEqual(1);
      expect((await portal.credentialsList({ session_token: p.owner, project_id: p.projectId })).credentials[0].last_used_at).not.toBeNull();
      const created = trail.find((t) => t.kind === 'credentials.created' && t.e.clientId === pair.client_id);
      expect(created?.e.details).toEqual({ actor: { member_id: expect.any(String), email: p.ownerEmail }, client_id: pair.client_id, name: 'backend' });
      expect(JSON.stringify(trail)).not.toContain(pair.client_secret);
    });

    it('roll with an overlap: the old pair works until its expiry, then is refused; the new one works at once', async () => {
      const p = await partner();
      const old = await portal.credentialsCreate({ session_token: p.owner, project_id: p.projectId, name: 'rolled' });
      await expect(credentials.authenticate(old.client_id, old.client_secret)).resolves.toBe(p.projectId);
      const tooLate = new Date(Date.now() + 31 * 86_400_000).toISOString();
      expect(await outcome(portal.credentialsRoll({ session_token: p.owner, project_id: p.projectId, client_id: old.client_id, old_expires_at: tooLate }))).toBe('invalid_request');
      const until = new Date(Date.now() + 1_500);
      const rolled = await portal.credentialsRoll({ session_token: p.owner, project_id: p.projectId, client_id: old.client_id, old_expires_at: until.toISOString() });
      expect(rolled).toMatchObject({ name: 'rolled', previous: { client_id: old.client_id, expires_at: until.toISOString() } });
      await expect(credentials.authenticate(rolled.client_id, rolled.client_secret)).resolves.toBe(p.projectId);
      await expect(credentials.authenticate(old.client_id, old.client_secret)).resolves.toBe(p.projectId);
      await new Promise((r) => setTimeout(r, until.getTime() - Date.now() + 50));
      expect(await outcome(credentials.authenticate(old.client_id, old.client_secret))).toBe('invalid_client');
      await expect(credentials.authenticate(rolled.client_id, rolled.client_secret)).resolves.toBe(p.projectId);
      // An expired pair cannot be rolled again.
      expect(await outcome(portal.credentialsRoll({ session_token: p.owner, project_id: p.projectId, client_id: old.client_id, old_expires_at: new Date().toISOString() }))).toBe('conflict');
    });

    it('revoke at once', async () => {
      const p = await partner();
      const pair = await portal.credentialsCreate({ session_token: p.owner, project_id: p.projectId, name: 'gone' });
      await expect(credentials.authenticate(pair.client_id, pair.client_secret)).resolves.toBe(p.projectId);
      const revoked = await portal.credentialsRevoke({ session_token: p.owner, project_id: p.projectId, client_id: pair.client_id });
      expect(revoked.revoked_at).not.toBeNull();
      expect(await outcome(credentials.authenticate(pair.client_id, pair.client_secret))).toBe('invalid_client');
    });
  });

  describe('"Try it" (auth.v1.portal.token.try)', () => {
    const claimsOf = async (token: string) => {
      const kid = decode(token, { complete: true })?.header.kid as string;
      const key = await keys.resolvePublicKey(kid);
      if (!key) throw new Error(`unknown kid ${kid}`);
      return verify(token, key, { issuer: config.AUTH_ISSUER, algorithms: ['ES256'] }) as Record<string, unknown>;
    };

    it('mints with the right secret a token of that project, as the token endpoint does; a wrong secret is its invalid_client', async () => {
      const p = await partner();
      const dev = await memberOf(p.partnerId, 'developer');
      const pair = await portal.credentialsCreate({ session_token: p.owner, project_id: p.projectId, name: 'tried' });
      await portal.updateSettings({ session_token: p.owner, project_id: p.projectId, settings: { access_token_ttl: 900 } });
      const t = { session_token: dev.token, project_id: p.projectId, client_id: pair.client_id };

      const issued = await tokens.tryToken({ ...t, client_secret: pair.client_secret });
      if (issued.outcome !== 'issued') throw new Error(`not issued: ${JSON.stringify(issued)}`);
      expect(Object.keys(issued.token)).toEqual(['access_token', 'token_type', 'expires_in']);
      expect(issued.token).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
      const claims = await claimsOf(issued.token.access_token);
      expect(claims).toMatchObject({ sub: pair.client_id, client_id: pair.client_id, project_id: p.projectId, grant_type: 'client_credentials', iss: config.AUTH_ISSUER });
      expect((claims.exp as number) - (claims.iat as number)).toBe(900);
      // The trail records it as the token endpoint does, with the member who tried it.
      const entry = trail.find((x) => x.kind === 'token.issued' && x.e.clientId === pair.client_id);
      expect(entry?.e.details).toMatchObject({ grant_type: 'client_credentials', jti: claims.jti, via: 'portal', actor: { member_id: dev.id, email: dev.email } });

      expect(await tokens.tryToken({ ...t, client_secret: 'not-the-secret' })).toEqual({
        outcome: 'refused',
        error: { code: 'invalid_client', message: 'Client authentication failed' },
      });
      // The same answer as the pair itself gets at the token endpoint's path.
      expect(await outcome(credentials.authenticate(pair.client_id, 'not-the-secret'))).toBe('invalid_client');
      expect(trail.find((x) => x.kind === 'token.refused' && x.e.clientId === pair.client_id)?.e.details).toMatchObject({ reason: 'invalid_client', via: 'portal' });
      // A revoked pair of the project is the token endpoint's refusal too.
      await portal.credentialsRevoke({ session_token: p.owner, project_id: p.projectId, client_id: pair.client_id });
      expect(await tokens.tryToken({ ...t, client_secret: pair.client_secret })).toMatchObject({ outcome: 'refused', error: { code: 'invalid_client' } });
      expect(JSON.stringify(trail)).not.toContain(pair.client_secret);
    });

    it("refuses a client id of another project (the partner's own or another partner's) and an unknown one: not_found", async () => {
      const p = await partner();
      const pair = await portal.credentialsCreate({ session_token: p.owner, project_id: p.projectId, name: 'a' });
      const second = await portal.create({ session_token: p.owner, name: 'second' });
      const other = await partner();
      const otherPair = await portal.credentialsCreate({ session_token: other.owner, project_id: other.projectId, name: 'theirs' });
      const tryWith = (session_token: string, project_id: string, c: { client_id: string; client_secret: string }) =>
        outcome(tokens.tryToken({ session_token, project_id, client_id: c.client_id, client_secret: c.client_secret }));
      expect(await tryWith(p.owner, second.project_id, pair)).toBe('not_found');
      expect(await tryWith(p.owner, p.projectId, otherPair)).toBe('not_found');
      expect(await tryWith(p.owner, p.projectId, { client_id: randomUUID(), client_secret: 'x' })).toBe('not_found');
      expect(await tryWith(p.owner, p.projectId, { client_id: 'not a uuid', client_secret: 'x' })).toBe('not_found');
      // Another partner's owner, with the right secret of partner A's pair, through A's project: not_found.
      expect(await tryWith(other.owner, p.projectId, pair)).toBe('not_found');
      // Control: the owner's own pair in its own project mints.
      expect((await tokens.tryToken({ session_token: p.owner, project_id: p.projectId, client_id: pair.client_id, client_secret: pair.client_secret })).outcome).toBe('issued');
    });

    it('refuses a viewer (minting is not a read), even with the right secret; an ended session is unauthenticated', async () => {
      const p = await partner();
      const pair = await portal.credentialsCreate({ session_token: p.owner, project_id: p.projectId, name: 'v' });
      const viewer = await memberOf(p.partnerId, 'viewer');
      const before = trail.filter((x) => x.kind === 'token.issued' && x.e.clientId === pair.client_id).length;
      expect(await outcome(tokens.tryToken({ session_token: viewer.token, project_id: p.projectId, client_id: pair.client_id, client_secret: pair.client_secret }))).toBe('forbidden');
      expect(trail.filter((x) => x.kind === 'token.issued' && x.e.clientId === pair.client_id).length).toBe(before);
      await auth.logout({ session_token: p.owner });
      expect(await outcome(tokens.tryToken({ session_token: p.owner, project_id: p.projectId, client_id: pair.client_id, client_secret: pair.client_secret }))).toBe('unauthenticated');
    });
  });

  describe('signing keys', () => {
    it('are listed to any member; a developer rotates them, not within 10 minutes of the last key', async () => {
      const p = await partner();
      const dev = await memberOf(p.partnerId, 'developer');
      const d = { session_token: dev.token, project_id: p.projectId };
      const before = (await portal.keysList(d)).keys;
      expect(before.filter((k) => k.state === 'active')).toHaveLength(1);
      expect(await outcome(portal.keysRotate(d))).toBe('conflict');
      skew = 11 * 60_000;
      const rotated = await portal.keysRotate(d);
      const after = (await portal.keysList(d)).keys;
      expect(after[0]).toMatchObject({ kid: rotated.kid, state: 'active' });
      expect(after.find((k) => k.kid === before[0].kid)?.state).toBe('retired');
      expect(trail.find((t) => t.kind === 'keys.rotated' && t.e.projectId === p.projectId)?.e.details).toMatchObject({ actor: { member_id: dev.id }, kid: rotated.kid });
    });
  });

  describe('projects', () => {
    it('archived: mints nothing, leaves the default list, gets no new pair', async () => {
      const p = await partner();
      const pair = await portal.credentialsCreate({ session_token: p.owner, project_id: p.projectId, name: 'app' });
      await expect(credentials.authenticate(pair.client_id, pair.client_secret)).resolves.toBe(p.projectId);
      const archived = await portal.archive({ session_token: p.owner, project_id: p.projectId });
      expect(archived.archived_at).not.toBeNull();
      expect(await outcome(credentials.authenticate(pair.client_id, pair.client_secret))).toBe('invalid_client');
      expect((await portal.list({ session_token: p.owner })).projects).toEqual([]);
      expect((await portal.list({ session_token: p.owner, include_archived: true })).projects.map((x) => x.project_id)).toEqual([p.projectId]);
      expect(await outcome(portal.credentialsCreate({ session_token: p.owner, project_id: p.projectId, name: 'more' }))).toBe('conflict');
      expect(trail.some((t) => t.kind === 'project.archived' && t.e.projectId === p.projectId)).toBe(true);
    });

    it('are created in and renamed by the member’s partner, recorded with the member as actor', async () => {
      const p = await partner();
      const dev = await memberOf(p.partnerId, 'developer');
      const renamed = await portal.rename({ session_token: dev.token, project_id: p.projectId, name: '  Renamed  '.trim() });
      expect(renamed.name).toBe('Renamed');
      const entry = trail.find((t) => t.kind === 'project.renamed' && t.e.projectId === p.projectId);
      expect(entry?.e.details).toMatchObject({ actor: { member_id: dev.id, email: dev.email }, after: 'Renamed' });
      expect(trail.some((t) => t.kind === 'project.created' && t.e.projectId === p.projectId)).toBe(true);
    });
  });
});
