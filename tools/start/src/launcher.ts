import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { BaseConfig, createLogger, NatsService } from '@gatehouse/platform';
import {
  databaseUrl,
  describeExit,
  ensureLocalSecrets,
  ExitStatus,
  healthUrl,
  LaunchContext,
  LocalSecrets,
  publicUrl,
  scriptPath,
  serviceEnv,
  ServiceNotHealthyError,
  ServiceProcess,
  ServiceSpec,
  spawnService,
  usesLocalCert,
  userValue,
  waitForHealthy,
} from '@gatehouse/supervisor';
import { Console } from './console';
import { ensureFirstProject, Welcome, welcomeText } from './first-run';
import { checkDependencies, Dependencies } from './preflight';

export interface LauncherOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  config: BaseConfig;
  services: readonly ServiceSpec[];
  console: Console;
  /** Per service, from spawn to a 200 on its readiness endpoint. */
  healthTimeoutMs?: number;
  /** Per service, from SIGTERM to SIGKILL. */
  stopTimeoutMs?: number;
  /** Each request on the console (`--access-log`), not a summary every 10 s. */
  accessLog?: boolean;
  /** Where secrets and logs live. Default <root>/.data. */
  dataDir?: string;
  /** Replaceable in tests: the dependency check, and the first-run step once everything is ready. */
  checkDependencies?: (deps: Dependencies) => Promise<string[]>;
  firstRun?: (config: BaseConfig) => Promise<Welcome>;
}

/** Lines of a dead service's output repeated in the failure report. */
const REPORT_LINES = 60;
const NATS_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Starts the services in order, each once the previous one is ready; then stays
 * up until a signal (stop everything in reverse order, exit 0) or the unexpected
 * death of a service (report it, stop the others, exit 1).
 */
export class Launcher {
  private readonly running: ServiceProcess[] = [];
  private stopping: Promise<void> | undefined;
  private exitCode = 0;
  private resolveDone!: (code: number) => void;
  private readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));
  private readonly healthTimeoutMs: number;
  private readonly stopTimeoutMs: number;

  constructor(private readonly opts: LauncherOptions) {
    this.healthTimeoutMs = opts.healthTimeoutMs ?? 60_000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
  }

  /** Resolves with the exit code once everything has stopped. */
  async run(): Promise<number> {
    try {
      await this.start();
    } catch (err) {
      this.fail((err as Error).message);
    }
    return this.done;
  }

  /** A signal: stop everything in reverse order. A second one kills what is left. */
  requestStop(signal: NodeJS.Signals): void {
    if (this.stopping) {
      this.opts.console.info(`${signal} again: killing the remaining services`);
      for (const p of this.running) if (!p.exitStatus) p.kill9();
      return;
    }
    this.opts.console.info(`${signal} received: stopping the services (again to force)`);
    void this.shutdown(0);
  }

  /** Best effort when the launcher itself exits abruptly: the children are in their own process group. */
  terminateChildrenNow(): void {
    for (const p of this.running) {
      if (p.exitStatus || p.pid <= 0) continue;
      try {
        process.kill(p.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }

  /** Something went wrong: say what, stop what runs, exit 1. Only the first failure is reported. */
  fail(message: string): void {
    if (this.stopping) return;
    this.opts.console.error(message);
    void this.shutdown(1);
  }

  private get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  private async start(): Promise<void> {
    const { root, env, services, config, console: out } = this.opts;

    const missing = services.map((s) => scriptPath(s, root)).filter((f) => !existsSync(f));
    if (missing.length) {
      const files = missing.map((f) => relative(root, f)).join(', ');
      throw new Error(`not built: ${files}. Run \`npm run build\` (\`npm start\` does it first).`);
    }

    const check = this.opts.checkDependencies ?? checkDependencies;
    const problems = await check({
      nats: { url: config.NATS_URL, user: config.NATS_USER, password: config.NATS_PASSWORD },
      databases: services.flatMap((s) => {
        const url = databaseUrl(s, env);
        return url && s.database ? [{ urlVar: s.database.urlVar, url }] : [];
      }),
    });
    if (problems.length) throw new Error(problems.join('\n'));
    if (this.isStopping) return;

    const dataDir = this.opts.dataDir ?? join(root, '.data');
    const secrets = await ensureLocalSecrets(dataDir);
    const logDir = join(dataDir, 'logs');
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
    const baseUrl = publicUrl(env);
    const ctx: LaunchContext = {
      kek: secrets.kek,
      tlsCertFile: secrets.tlsCertFile,
      tlsKeyFile: secrets.tlsKeyFile,
      publicUrl: baseUrl,
    };

    for (const spec of services) {
      if (this.isStopping) return;
      const ready = await this.startService(spec, ctx, secrets, logDir);
      if (!ready) return;
    }
    if (this.isStopping) return;

    const welcome = await this.firstRun();
    if (!welcome || this.isStopping) return;
    out.raw(
      '\n' +
        welcomeText(welcome, {
          baseUrl,
          certFile: shortPath(root, secrets.tlsCertFile),
          logDir: shortPath(root, logDir),
          // The Partner Portal, where the owner printed beside it signs in.
          portalUrl: services.some((s) => s.name === 'portal') ? publicUrl(env, 'portal') : undefined,
        }) +
        '\n',
    );
  }

  /** Spawns one service and waits for its readiness; false when it did not get there. */
  private async startService(
    spec: ServiceSpec,
    ctx: LaunchContext,
    secrets: LocalSecrets,
    logDir: string,
  ): Promise<boolean> {
    const { root, env, console: out } = this.opts;
    const url = healthUrl(spec, env);

    // A readiness endpoint that answers before we start anything belongs to someone else.
    const taken = await waitForHealthy(url, { timeoutMs: 150 }).then(
      () => true,
      () => false,
    );
    if (taken) {
      throw new Error(`${url} already answers: is Gatehouse already running (another \`npm start\`)? Stop it first.`);
    }

    const started = Date.now();
    const logFile = join(logDir, `${spec.name}.log`);
    out.info(`starting ${spec.name}`);
    const proc = spawnService({
      name: spec.name,
      script: scriptPath(spec, root),
      // The launcher's environment (process.env in `npm start`), then what it provides.
      env: { ...definedValues(env), ...serviceEnv(spec, ctx, env), ...logEnv(env, logFile, this.opts.accessLog) },
      cwd: root,
      // The service writes its log file itself (asynchronously, off the launcher); its stderr joins it as JSON.
      stderrToJsonLog: logFile,
      onLine: (line) => out.service(spec.name, line),
      // Own process group: a Ctrl-C reaches the launcher only, which stops services in order.
      detached: true,
    });
    this.running.push(proc);
    void proc.exited.then((status) => this.onExit(proc, status));

    const verify = spec.health.scheme === 'https' && spec.health.verifyLocalCert && usesLocalCert(spec, env);
    const ca = verify && isLoopback(url) ? readFileSync(secrets.tlsCertFile) : undefined;
    try {
      await waitForHealthy(url, { timeoutMs: this.healthTimeoutMs, process: proc, ca });
    } catch (err) {
      const exited = err instanceof ServiceNotHealthyError && err.exitStatus;
      this.fail(exited ? exitReport(proc.name, proc.pid, exited, err.output) : (err as Error).message);
      return false;
    }
    out.info(`${spec.name} ready on ${url} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  }

  private async firstRun(): Promise<Welcome | undefined> {
    try {
      return await (this.opts.firstRun ?? firstRunOverNats)(this.opts.config);
    } catch (err) {
      this.fail(`could not set up the first project through the auth service: ${(err as Error).message}`);
      return undefined;
    }
  }

  private onExit(proc: ServiceProcess, status: ExitStatus): void {
    if (this.isStopping) return;
    this.fail(exitReport(proc.name, proc.pid, status, proc.recentOutput()));
  }

  private shutdown(code: number): Promise<void> {
    if (this.stopping) return this.stopping;
    this.exitCode = code;
    this.stopping = (async () => {
      for (const proc of [...this.running].reverse()) {
        if (proc.exitStatus) continue;
        this.opts.console.info(`stopping ${proc.name}`);
        const status = await proc.stop('SIGTERM', this.stopTimeoutMs);
        this.opts.console.info(`${proc.name} stopped (${describeExit(status)})`);
      }
    })();
    void this.stopping.then(
      () => this.resolveDone(this.exitCode),
      () => this.resolveDone(1),
    );
    return this.stopping;
  }
}

/**
 * Why a service ended. A service that refused to start said why in one line
 * (`<name>: failed to start: <cause>`, see runService): that line is the report.
 * Otherwise its last lines of output (shown above too, and in its log).
 */
export function exitReport(name: string, pid: number, status: ExitStatus, output: string): string {
  const cause = startFailureCause(name, output);
  if (cause) return `${name} could not start (${describeExit(status)}): ${cause}`;
  const last = output.split('\n').slice(-REPORT_LINES).join('\n');
  return (
    `${name} (pid ${pid}) exited unexpectedly (${describeExit(status)}). Its last output:\n` +
    (last ? last.replace(/^/gm, '    ') : '    (none)')
  );
}

/** The cause a service gave for not starting, from its last `<name>: failed to start: ` line. */
export function startFailureCause(name: string, output: string): string | undefined {
  const prefix = `${name}: failed to start: `;
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length).trim() || undefined;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

function shortPath(root: string, file: string): string {
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Asks the auth service over NATS for the projects, creating the first one on a fresh installation. */
async function firstRunOverNats(config: BaseConfig): Promise<Welcome> {
  let nats: NatsService | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const connecting = NatsService.connect({
      url: config.NATS_URL,
      name: `gatehouse-start-${process.pid}`,
      prefix: config.NATS_SUBJECT_PREFIX,
      user: config.NATS_USER,
      password: config.NATS_PASSWORD,
      requestTimeoutMs: Math.max(config.NATS_REQUEST_TIMEOUT_MS, 10_000),
      logger: createLogger('start', 'warn'),
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out connecting to NATS')), NATS_CONNECT_TIMEOUT_MS);
    });
    nats = await Promise.race([connecting, timeout]);
    return await ensureFirstProject(nats);
  } finally {
    clearTimeout(timer);
    await nats?.close().catch(() => undefined);
  }
}

/**
 * How a service started by `npm start` logs: every line as JSON to its file in
 * .data/logs (written by the service itself), and on the console short lines for
 * a person (LOG_FORMAT=pretty) unless the user asked for JSON.
 */
export function logEnv(env: NodeJS.ProcessEnv, logFile: string, accessLog = false): Record<string, string> {
  return {
    LOG_FILE: logFile,
    LOG_FORMAT: userValue(env, 'LOG_FORMAT') ?? 'pretty',
    ...(accessLog ? { LOG_ACCESS: 'lines' } : {}),
  };
}

function definedValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
