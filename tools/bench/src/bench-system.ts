import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialsCreatedResponse } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { freePort, LocalSystem, ServiceName, ServiceProcess } from '@gatehouse/supervisor';

/**
 * Gatehouse (auth + identity + gateway, and policy with `start({ policy: true })`)
 * as `npm start` runs it, on free ports, a fresh database per service, its own
 * subject prefix (and so its own JetStream stream): a LocalSystem.
 */
export class BenchSystem {
  /** The first gateway instance. */
  gatewayUrl = '';
  /** Every gateway instance started (see addGateway()), the first one first. */
  readonly gatewayUrls: string[] = [];
  tls = { cert: '', key: '' };
  prefix = '';
  private system?: LocalSystem;
  private nats?: NatsService;

  /** With `logs: 'start'`: where each service writes its log file. */
  private logDir?: string;

  /**
   * `policy`: also start the policy service (no database), between identity and the gateway as `npm start` does.
   * `logs`: `warn` (the default: LOG_LEVEL=warn, no request logging, as the baselines log nothing), or
   * `start`: logging as `npm start` sets it (LOG_LEVEL's default, LOG_FORMAT=pretty, a LOG_FILE per service).
   * `env`: over those, for every service (a configuration variant).
   */
  async start(opts: { policy?: boolean; logs?: 'warn' | 'start'; env?: Record<string, string> } = {}): Promise<void> {
    // audit first, as `npm start` runs it: auth and the gateway publish into its stream.
    const services: ServiceName[] = opts.policy ? ['audit', 'auth', 'identity', 'policy', 'gateway'] : ['audit', 'auth', 'identity', 'gateway'];
    const asStart = opts.logs === 'start';
    const logDir = asStart ? (this.logDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-logs-'))) : undefined;
    this.system = await LocalSystem.start({
      tag: 'bench',
      postgresUrl: process.env.BENCH_POSTGRES_URL,
      services,
      env: { ...(asStart ? { LOG_FORMAT: 'pretty' } : { LOG_LEVEL: 'warn' }), ...opts.env },
      serviceEnv: logDir ? Object.fromEntries(services.map((s) => [s, { LOG_FILE: join(logDir, `${s}.log`) }])) : undefined,
    });
    this.tls = { cert: this.system.secrets.tlsCertFile, key: this.system.secrets.tlsKeyFile };
    this.prefix = this.system.prefix;
    this.gatewayUrl = this.system.gatewayUrl();
    this.gatewayUrls.push(this.gatewayUrl);
    this.nats = await this.system.admin();
  }



  /** The processes of the running instances, in start order. */
  get procs(): ServiceProcess[] {
    return this.system?.processes() ?? [];
  }

  /**
   * Starts one more gateway instance (same environment, its own port) and waits until
   * it is ready; start() starts the first. Returns its base URL.
   */
  async addGateway(): Promise<string> {
    if (!this.system) throw new Error('start() first');
    const name = `gateway-${this.gatewayUrls.length + 1}`;
    await this.system.start(name, 'gateway', { GATEWAY_PORT: String(await freePort()) });
    const url = this.system.gatewayUrl(name);
    this.gatewayUrls.push(url);
    return url;
  }

  async partner(): Promise<CredentialsCreatedResponse> {
    if (!this.system) throw new Error('start() first');
    const project = await this.system.createProject('bench');
    return this.system.createCredentials(project.project_id);
  }

  /** The version the NATS server announced to the bench's connection (its INFO). */
  natsServerVersion(): string | undefined {
    return this.nats?.connection.info?.version;
  }

  /** A NATS connection of its own in the system's subject namespace (as the services connect); the caller closes it. */
  async connectNats(name: string): Promise<NatsService> {
    if (!this.system) throw new Error('start() first');
    return this.system.connectNats(name);
  }

  /** With `logs: 'start'`: the lines in a service's log file so far. */
  logLines(service: ServiceName): number {
    if (!this.logDir) return 0;
    let fd: number | undefined;
    try {
      fd = openSync(join(this.logDir, `${service}.log`), 'r');
      const buf = Buffer.alloc(1 << 20);
      let lines = 0;
      for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
        for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
      }
      return lines;
    } catch {
      return 0;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Stops everything started so far and leaves nothing behind (databases, the identity stream, the temp dirs), whatever failed before. */
  async stop(): Promise<void> {
    this.nats = undefined;
    this.gatewayUrls.length = 0;
    await this.system?.stop();
    if (this.logDir) rmSync(this.logDir, { recursive: true, force: true });
  }
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** On a failed run: the last lines each process wrote (a crash explains itself), on stderr. */
export function logRecentOutput(procs: ServiceProcess[]): void {
  for (const p of procs) {
    const out = p.recentOutput().trim();
    if (out) process.stderr.write(`--- ${p.name} (pid ${p.pid}${p.exitStatus ? `, exited ${JSON.stringify(p.exitStatus)}` : ''}), recent output:\n${out}\n`);
  }
}

/** Runs a bench's main: a failure prints its stack and exits 1. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((err) => {
    process.stderr.write(`${name} failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
