import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

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
 * come back. `restart` stops it (SIGTERM: JetStream flushes), waits `downMs`,
 * starts it again detached, and waits until it accepts connections.
 */
export class NatsServerControl {
  private argv?: string[];
  private stoppedByUs = false;

  constructor(readonly port: number) {}

  async stop(): Promise<void> {
    const pid = listenerPid(this.port);
    if (!pid) throw new Error(`nothing listens on 127.0.0.1:${this.port}: is NATS running?`);
    this.argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    process.kill(pid, 'SIGTERM');
    this.stoppedByUs = true;
    await waitForPort(this.port, false, 15_000);
    // The port closes before the process has finished flushing its store.
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await sleep(50);
  }

  async start(): Promise<void> {
    if (!this.argv) throw new Error('NATS was not stopped by this run');
    const [cmd, ...args] = this.argv;
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.unref();
    await waitForPort(this.port, true, 30_000);
    this.stoppedByUs = false;
  }

  /** Leaves NATS running as it was found, whatever happened before. */
  async ensureRestored(): Promise<void> {
    if (this.stoppedByUs && !(await portOpen(this.port))) await this.start();
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
    this.ctl('stop', '-m', 'fast');
    this.stoppedByUs = true;
    await waitForPort(this.port, false, 30_000);
  }

  async start(): Promise<void> {
    this.ctl('start');
    await waitForPort(this.port, true, 30_000);
    this.stoppedByUs = false;
  }

  async ensureRestored(): Promise<void> {
    if (this.stoppedByUs && !(await portOpen(this.port))) await this.start();
  }

  private ctl(action: string, ...flags: string[]): void {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', this.version, this.cluster, action, ...flags], { stdio: 'pipe' });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
