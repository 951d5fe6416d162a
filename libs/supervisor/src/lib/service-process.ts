import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { SUPERVISED_ENV } from '@gatehouse/platform';
import { LineBuffer } from './line-buffer';
import { registerPathsScript, repoRoot } from './repo-root';

export type OutputStream = 'stdout' | 'stderr';

export interface ExitStatus {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnServiceOptions {
  /** Shown in errors and log lines, e.g. `auth`. */
  name: string;
  /** Absolute path to the compiled entry point, e.g. <repo>/dist/apps/auth/src/main.js. */
  script: string;
  /** Merged over process.env (these values win). */
  env: Record<string, string>;
  /** Defaults to the repository root. */
  cwd?: string;
  /** Every output line (stdout and stderr) is appended to this file; its directory is created. */
  logFile?: string;
  /**
   * The JSON log the service writes itself (its LOG_FILE): only its stderr lines are
   * added to it, each as a JSON record (`"stream":"stderr"`): what it could not log
   * (a failure to start, a crash's stack, Node's warnings). Its directory is created.
   */
  stderrToJsonLog?: string;
  onLine?: (line: string, stream: OutputStream) => void;
  /**
   * Run the child in its own process group, so a Ctrl-C in the terminal reaches
   * only the supervisor, which then stops children in its own order. Default false:
   * the child shares the caller's group and receives terminal signals itself.
   */
  detached?: boolean;
  /** Lines kept for recentOutput(). Default 200. */
  keepLines?: number;
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves once the process has exited and its output has been read to the end. */
  readonly exited: Promise<ExitStatus>;
  /** The exit status once the process has exited, else undefined. */
  readonly exitStatus: ExitStatus | undefined;
  /** Sends `signal`, then SIGKILL when the process is still alive after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitStatus>;
  /** SIGKILL now (simulates a crash). */
  kill9(): void;
  /** The last lines of output (stdout and stderr interleaved as read), newline-separated. */
  recentOutput(): string;
}

/** Whether a process with this pid exists (signal 0: nothing is sent). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** How long to wait for the last output once the process has exited (a grandchild may hold the pipes open). */
const OUTPUT_DRAIN_MS = 1_000;

/**
 * Starts a compiled service: `node -r <repo>/tools/runtime/register-paths.js <script>`,
 * with the workspace aliases resolved to dist/.
 */
export function spawnService(opts: SpawnServiceOptions): ServiceProcess {
  const root = repoRoot();
  const child = spawn(process.execPath, ['-r', registerPathsScript(root), opts.script], {
    cwd: opts.cwd ?? root,
    env: { ...process.env, [SUPERVISED_ENV]: '1', ...opts.env },
    // stdin: a pipe only this process holds, never written: the child sees it end when this process dies, however it dies (stopWhenSupervisorGoes).
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  child.stdin?.on('error', () => undefined);
  return new ChildServiceProcess(opts, child);
}

class ChildServiceProcess implements ServiceProcess {
  readonly exited: Promise<ExitStatus>;
  private status: ExitStatus | undefined;
  private readonly buffer: LineBuffer;
  private readonly log: WriteStream | undefined;
  private readonly stderrLog: WriteStream | undefined;

  constructor(
    private readonly opts: SpawnServiceOptions,
    private readonly child: ChildProcess,
  ) {
    this.buffer = new LineBuffer(opts.keepLines ?? 200);
    if (opts.logFile) {
      mkdirSync(dirname(opts.logFile), { recursive: true });
      this.log = createWriteStream(opts.logFile, { flags: 'a', mode: 0o600 });
      this.log.on('error', () => undefined); // a full disk must not bring the supervisor down
    }
    if (opts.stderrToJsonLog) {
      mkdirSync(dirname(opts.stderrToJsonLog), { recursive: true });
      this.stderrLog = createWriteStream(opts.stderrToJsonLog, { flags: 'a', mode: 0o600 });
      this.stderrLog.on('error', () => undefined);
    }

    const stdoutDone = this.readLines(child.stdout, 'stdout');
    const stderrDone = this.readLines(child.stderr, 'stderr');
    const exit = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (err) => {
        // Spawning failed (no 'exit' follows).
        this.record(`[supervisor] could not start ${opts.name}: ${err.message}`, 'stderr');
        resolve({ code: null, signal: null });
      });
    });

    this.exited = exit.then(async (status) => {
      let timer: NodeJS.Timeout | undefined;
      const drained = Promise.all([stdoutDone, stderrDone]);
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, OUTPUT_DRAIN_MS)));
      await Promise.race([drained, late]);
      clearTimeout(timer);
      this.status = status;
      await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
      await new Promise<void>((resolve) => (this.stderrLog ? this.stderrLog.end(resolve) : resolve()));
      return status;
    });
  }

  get name(): string {
    return this.opts.name;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<ExitStatus> {
    if (this.status || this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill9(): void {
    this.child.kill('SIGKILL');
  }

  recentOutput(): string {
    return this.buffer.toString();
  }

  private readLines(stream: Readable | null, kind: OutputStream): Promise<void> {
    if (!stream) return Promise.resolve();
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => this.record(line, kind));
    return new Promise((resolve) => rl.once('close', resolve));
  }

  private record(line: string, kind: OutputStream): void {
    this.buffer.push(line);
    if (this.log && !this.log.writableEnded) this.log.write(line + '\n');
    if (kind === 'stderr' && this.stderrLog && !this.stderrLog.writableEnded) {
      const record = { level: 'error', time: new Date().toISOString(), service: this.opts.name, pid: this.pid, stream: 'stderr', msg: line };
      this.stderrLog.write(JSON.stringify(record) + '\n');
    }
    if (this.opts.onLine) {
      try {
        this.opts.onLine(line, kind);
      } catch {
        // A failing observer must not stop the output from being read.
      }
    }
  }
}
