import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot } from '@gatehouse/supervisor';

/** The shipped configuration: scrape config, alert rules, target files. */
export const PROMETHEUS_DIR = join(repoRoot(), 'deploy/prometheus');

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Debian's `prometheus` package (prometheus and promtool), installed when missing
 * (as .ci/run does). A packaged daemon the install may start is stopped: the only
 * Prometheus the test runs is its own.
 */
export function ensurePrometheus(): void {
  if (has('prometheus') && has('promtool')) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'prometheus'], { stdio: 'ignore', env });
  if (has('systemctl')) {
    try {
      execFileSync('systemctl', ['disable', '--now', 'prometheus'], { stdio: 'ignore' });
    } catch {
      // No systemd running (a container): nothing was started.
    }
  }
}

/** `promtool <args>`: its exit status and output. */
export function promtool(args: string[]): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync('promtool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { status: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * A real Prometheus on a free port, with a copy of the shipped configuration in
 * which only two things change: the target files name the test's instances, and
 * the scrape interval is 1 s (the shipped 15 s would make the test wait).
 */
export class TestPrometheus {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    readonly output: string[],
  ) {}

  static async start(targets: Record<string, string[]>): Promise<TestPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'gh-prometheus-'));
    const config = join(dir, 'config');
    cpSync(PROMETHEUS_DIR, config, { recursive: true });
    const file = join(config, 'prometheus.yml');
    const shipped = readFileSync(file, 'utf8');
    const fast = shipped.replace(/scrape_interval: 15s/, 'scrape_interval: 1s').replace(/evaluation_interval: 15s/, 'evaluation_interval: 1s');
    if (fast === shipped) throw new Error('deploy/prometheus/prometheus.yml no longer sets scrape_interval: 15s');
    writeFileSync(file, fast);
    for (const [job, hosts] of Object.entries(targets)) {
      writeFileSync(join(config, 'targets', `${job}.json`), JSON.stringify([{ targets: hosts, labels: {} }]));
    }
    const port = await freePort();
    const output: string[] = [];
    const proc = spawn(
      'prometheus',
      [`--config.file=${file}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const prom = new TestPrometheus(proc, dir, `http://127.0.0.1:${port}`, output);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`prometheus exited ${proc.exitCode}: ${output.join('')}`);
      const ready = await fetch(`${prom.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return prom;
      if (Date.now() > deadline) {
        await prom.stop();
        throw new Error(`prometheus not ready: ${output.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async api<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  }

  /** The active targets: job, scrape URL, health. */
  async targets(): Promise<Array<{ job: string; scrapeUrl: string; health: string; lastError: string }>> {
    const data = await this.api<{ activeTargets: Array<{ labels: { job: string }; scrapeUrl: string; health: string; lastError: string }> }>('targets?state=active');
    return data.activeTargets.map((t) => ({ job: t.labels.job, scrapeUrl: t.scrapeUrl, health: t.health, lastError: t.lastError }));
  }

  /** Every metric name Prometheus holds. */
  async names(): Promise<Set<string>> {
    return new Set(await this.api<string[]>('label/__name__/values'));
  }

  /** An instant query's series. */
  async query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const data = await this.api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`query?query=${encodeURIComponent(expr)}`);
    return data.result;
  }

  /** SIGTERM, then SIGKILL after 10 s; its data directory is removed. */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The metric names a PromQL expression names (Grafana's `$variables` allowed). */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\w+/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = bare.slice(m.index + m[0].length);
    if (/^\s*\(/.test(rest) || PROMQL_WORDS.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'Inf', 'NaN', 'nan', 'atan2']);
