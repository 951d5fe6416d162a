import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase, dropIdentityStream, freePort, repoRoot, serviceSpec, SERVICES } from '@gatehouse/supervisor';
import { auditDir, recordSecret } from '@gatehouse/testing';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * `npm start` as a user runs it, in the background with no terminal (stdin
 * closed), on resources of the test's own: a data dir, databases, a subject
 * prefix and free ports, so a developer's `npm start` and other runs are never touched.
 */
export interface LauncherSetup {
  runId: string;
  dataDir: string;
  /** Every variable the launcher is given on top of the test's environment. */
  env: Record<string, string>;
  databases: string[];
  prefix: string;
  gatewayPort: number;
  portalPort: number;
}

export async function launcherSetup(runId: string, dataDir: string, dbUser = 'postgres'): Promise<LauncherSetup> {
  const prefix = `start${runId}.`;
  const env: Record<string, string> = { GATEHOUSE_DATA_DIR: dataDir, NATS_URL, NATS_SUBJECT_PREFIX: prefix };
  const databases: string[] = [];
  // From the launcher's own table: a free port and a fresh database per service, and
  // what the launcher provides itself left empty (a value in the test's environment would win over it).
  for (const spec of SERVICES) {
    env[spec.health.portVar] = String(await freePort());
    if (spec.database) {
      env[spec.database.urlVar] = `postgres://${dbUser}@127.0.0.1:5432/gh_test_${runId}_start_${spec.name}`;
      databases.push(env[spec.database.urlVar]);
    }
    for (const name of Object.keys(spec.env)) env[name] = '';
  }
  const portOf = (name: 'gateway' | 'portal') => Number(env[serviceSpec(name).health.portVar]);
  return { runId, dataDir, env, databases, prefix, gatewayPort: portOf('gateway'), portalPort: portOf('portal') };
}

export class LauncherRun {
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d) => (this.output += d));
    child.stderr?.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `node dist/tools/start/src/main.js <args>`: what `npm start -- <args>` runs after the build. */
  static start(setup: LauncherSetup, args: string[] = []): LauncherRun {
    const child = spawn(process.execPath, [join(repoRoot(), 'dist/tools/start/src/main.js'), ...args], {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...setup.env },
    });
    return new LauncherRun(child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.output.match(pattern);
      if (m) return m;
      if (Date.now() > deadline || !this.running) throw new Error(`no ${pattern} in:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The first project's credentials as the welcome block prints them; its secret joins the log audit. */
  async welcome(): Promise<{ baseUrl: string; portalUrl: string; projectId: string; clientId: string; clientSecret: string; curl: string; ownerEmail: string; ownerPassword: string }> {
    const curl = (await this.waitFor(/^curl -sk -X POST \S+\/v1\/auth\/token .*$/m))[0];
    const field = (label: string) => {
      const m = this.output.match(new RegExp(`^  ${label}:\\s+(\\S+)`, 'm'));
      if (!m) throw new Error(`no "${label}:" line in:\n${this.output}`);
      return m[1];
    };
    const welcome = {
      baseUrl: field('Base URL'),
      portalUrl: field('Portal'),
      projectId: field('Project id'),
      clientId: field('Client id'),
      clientSecret: field('Client secret'),
      curl,
      // The first partner's owner, for the Partner Portal (the password is shown once, like the secret).
      ownerEmail: field('Owner email'),
      ownerPassword: field('Owner password'),
    };
    recordSecret(welcome.clientSecret);
    recordSecret(welcome.ownerPassword);
    return welcome;
  }

  /** SIGTERM, and the exit code. */
  async stop(): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGTERM (the launcher stops its services, which run in their own process group), then SIGKILL. */
  async shutdown(graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The key-encryption key the launcher generated, for the log audit. */
export function recordLauncherKek(setup: LauncherSetup): void {
  const file = join(setup.dataDir, 'secrets', 'kek');
  if (existsSync(file)) recordSecret(readFileSync(file, 'utf8').trim());
}

/** Drops what a run left: databases, identity's stream, the data dir; the services' logs join the log audit first. */
export async function cleanUpLauncher(setup: LauncherSetup): Promise<void> {
  for (const db of setup.databases) await dropDatabase(db).catch(() => undefined);
  await dropIdentityStream(NATS_URL, setup.prefix).catch(() => undefined);
  copyLogsToAudit(setup, 'last');
  rmSync(setup.dataDir, { recursive: true, force: true });
}

/** The launcher's service logs join the run's log audit (before the data dir goes). */
export function copyLogsToAudit(setup: LauncherSetup, tag: string): void {
  const audit = auditDir();
  const logs = join(setup.dataDir, 'logs');
  if (!audit || !existsSync(logs)) return;
  mkdirSync(join(audit, 'logs'), { recursive: true });
  for (const f of readdirSync(logs)) copyFileSync(join(logs, f), join(audit, 'logs', `start-${setup.runId}-${tag}-${f}`));
}
