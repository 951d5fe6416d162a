import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { isAlive } from '@gatehouse/supervisor';

const run = promisify(execFile);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

export async function waitForPort(port: number, open: boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await portOpen(port)) !== open) {
    if (Date.now() > deadline) throw new Error(`127.0.0.1:${port} still ${open ? 'closed' : 'open'} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** The pid of the process listening on 127.0.0.1:`port` (from `ss`). */
export function listenerPid(port: number): number | undefined {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const m = out.match(/pid=(\d+)/);
  return m ? Number(m[1]) : undefined;
}

/**
 * The machine's NATS server, restarted as it was started: the command line is
 * read from the running process, so the same flags (JetStream store, log file)
 * come back. `stop` ends it (SIGTERM, JetStream flushes; or SIGKILL, a crash),
 * `start` starts it again detached and waits until it accepts connections.
 */
export class NatsServerControl {
  private found?: { pid: number; argv: string[]; cwd: string; env: NodeJS.ProcessEnv };
  private stoppedByUs = false;

  constructor(readonly port: number) {}

  /** SIGTERM: a graceful stop (JetStream flushes); SIGKILL: a crash, nothing flushed. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const pid = listenerPid(this.port);
    if (!pid) throw new Error(`nothing listens on 127.0.0.1:${this.port}: is NATS running?`);
    // Its command line, folder and environment: a config with relative paths or $VARS starts again as it was.
    this.found = {
      pid,
      argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean),
      cwd: readlinkSync(`/proc/${pid}/cwd`),
      env: Object.fromEntries(
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
    };
    this.stoppedByUs = true;
    process.kill(pid, signal);
    await waitForPort(this.port, false, 15_000);
    await this.exited();
  }

  async start(): Promise<void> {
    if (!this.found) throw new Error('NATS was not stopped by this run');
    const [cmd, ...args] = this.found.argv;
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore', cwd: this.found.cwd, env: this.found.env });
    child.unref();
    await waitForPort(this.port, true, 30_000);
    this.stoppedByUs = false;
  }

  /** Leaves NATS running as it was found, whatever happened before (a stop still under way included). */
  async ensureRestored(): Promise<void> {
    if (!this.stoppedByUs) return;
    await this.exited();
    if (!(await portOpen(this.port))) await this.start();
  }

  /** The port closes before the process has finished flushing its store. */
  private async exited(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (this.found && isAlive(this.found.pid) && Date.now() < deadline) await sleep(50);
  }
}

/**
 * A PostgreSQL cluster of the machine, found by its port in `pg_lsclusters`,
 * stopped and started with `pg_ctlcluster` (fast shutdown: open sessions are cut,
 * as in a crash of the server or a failover).
 */
export class PostgresControl {
  private stoppedByUs = false;
  readonly version: string;
  readonly cluster: string;

  constructor(readonly port: number) {
    const line = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((cols) => cols[2] === String(port));
    if (!line) throw new Error(`no PostgreSQL cluster on port ${port} in pg_lsclusters`);
    [this.version, this.cluster] = line;
  }

  async stop(): Promise<void> {
    this.stoppedByUs = true; // before: a stop that fails half-way still gets restored
    await this.ctl('stop', '-m', 'fast');
    await waitForPort(this.port, false, 30_000);
  }

  async start(): Promise<void> {
    await this.ctl('start');
    await waitForPort(this.port, true, 30_000);
    this.stoppedByUs = false;
  }

  async ensureRestored(): Promise<void> {
    if (this.stoppedByUs && !(await portOpen(this.port))) await this.start();
  }

  /** Asynchronous: the load (and its 3 s hang clock) keeps running while PostgreSQL stops and starts. */
  private async ctl(action: string, ...flags: string[]): Promise<void> {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', this.version, this.cluster, action, ...flags]);
  }
}

