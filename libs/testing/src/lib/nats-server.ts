import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '@gatehouse/supervisor';

/** The nats-server binary: NATS_SERVER_BIN, else the first on PATH, else Debian's /usr/sbin. */
export function natsServerBinary(): string {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN;
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin']) {
    const file = join(dir, 'nats-server');
    if (dir && existsSync(file)) return file;
  }
  throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN');
}

/**
 * A nats-server of the test's own: a config file, on a free port of 127.0.0.1, with its
 * monitoring port free too and JetStream stored in a temp folder removed at stop.
 * `env` is all the environment it gets (the config's $VARIABLES), besides PATH.
 */
export class NatsServer {
  private constructor(
    readonly url: string,
    readonly monitorUrl: string,
    private readonly dir: string,
    private proc: ChildProcess,
    private readonly launch: () => ChildProcess,
    readonly lines: string[],
  ) {}

  static async start(opts: { config: string; env: Record<string, string> }): Promise<NatsServer> {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-nats-'));
    const port = await freePort();
    const httpPort = await freePort();
    const args = ['-c', opts.config, '-a', '127.0.0.1', '-p', String(port), '-m', String(httpPort), '-sd', join(dir, 'store')];
    const lines: string[] = [];
    const launch = () => {
      const proc = spawn(natsServerBinary(), args, { env: { PATH: process.env.PATH ?? '', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [proc.stdout, proc.stderr]) {
        let rest = '';
        stream?.setEncoding('utf8').on('data', (chunk: string) => {
          const parts = (rest + chunk).split('\n');
          rest = parts.pop() ?? '';
          lines.push(...parts);
        });
      }
      return proc;
    };
    const server = new NatsServer(`nats://127.0.0.1:${port}`, `http://127.0.0.1:${httpPort}`, dir, launch(), launch, lines);
    try {
      await server.waitReady();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** /healthz answers ok once the client port listens and JetStream runs. */
  private async waitReady(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`nats-server exited ${this.proc.exitCode}:\n${this.lines.join('\n')}`);
      const ok = await fetch(`${this.monitorUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nats-server not ready within ${timeoutMs} ms:\n${this.lines.join('\n')}`);
  }

  /**
   * Stops the server (SIGKILL: no clean shutdown) and starts it again on the same
   * address and JetStream store, as a crashed broker that comes back.
   */
  async restart(): Promise<void> {
    await this.halt('SIGKILL');
    this.proc = this.launch();
    await this.waitReady();
  }

  async stop(): Promise<void> {
    await this.halt('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async halt(signal: NodeJS.Signals): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill(signal);
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
