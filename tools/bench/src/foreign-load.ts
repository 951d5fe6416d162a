import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from './process-cpu';

/**
 * This machine is shared: test suites (jest) and other benchmarks run beside a
 * bench and skew it. Samples the process table (Linux /proc) once a second and
 * says which of those ran during each measured run, so skewed rounds can be told
 * apart. It sees only processes, not what they cost.
 */
export class ForeignLoad {
  private readonly seen = new Set<string>();
  private timer?: NodeJS.Timeout;

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs `fn`; what was seen from its start to its end (sampled at both ends too). */
  async during<T>(fn: () => Promise<T>): Promise<{ value: T; seen: string[] }> {
    this.seen.clear();
    this.sample();
    const value = await fn();
    this.sample();
    return { value, seen: [...this.seen] };
  }

  /**
   * `run` (a contender's measured run, called once for its warm-up, then once per
   * round) made to report what ran beside each call: `onSeen('warm-up' | 'round N', seen)`.
   */
  watch<R>(run: (seconds: number) => Promise<R>, onSeen: (label: string, seen: string[]) => void): (seconds: number) => Promise<R> {
    let call = 0;
    return async (seconds) => {
      const label = call++ === 0 ? 'warm-up' : `round ${call - 1}`;
      const { value, seen } = await this.during(() => run(seconds));
      if (seen.length) onSeen(label, seen);
      return value;
    };
  }

  private sample(): void {
    for (const name of foreignProcesses()) this.seen.add(name);
  }
}

/** This process and its ancestors (npm, sh -c): their command lines name this bench too. */
function ownLineage(): Set<string> {
  const own = new Set<string>([String(process.pid)]);
  let pid = String(process.ppid);
  while (pid !== '0' && !own.has(pid)) {
    own.add(pid);
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '0';
    } catch {
      break;
    }
  }
  return own;
}

let lineage: Set<string> | undefined;

/** Test runners and other benchmarks now running, e.g. `jest hostile`, `identity.bench`; not this process or its parents. */
export function foreignProcesses(): string[] {
  let pids: string[];
  try {
    lineage ??= ownLineage();
    const own = lineage;
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d) && !own.has(d));
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const pid of pids) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue; // gone meanwhile
    }
    const bench = /([\w-]+\.bench)\.js/.exec(cmd);
    if (bench) {
      names.add(bench[1]);
      continue;
    }
    const jest = /node_modules\/\.bin\/jest\b(.*)$/.exec(cmd);
    if (jest) names.add(`jest${jest[1].replace(/-c \S+/, '').replace(/\s+/g, ' ')}`.slice(0, 80).trim());
  }
  return [...names].sort();
}

/** Busy and niced CPU seconds of the whole machine so far (Linux /proc/stat's first line, in USER_HZ ticks). */
function machineCpu(): { busy: number; niced: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return { busy: (user + nice + system + irq + softirq + (steal || 0)) / 100, niced: nice / 100 };
  } catch {
    return { busy: NaN, niced: NaN };
  }
}

/** What the rest of the machine did during a run: its CPU beyond the bench's own processes. */
export interface OtherCpu {
  /** Cores the rest of the machine kept busy on average (CPU-s ÷ wall s). */
  cores: number;
  /** Of the machine's whole busy time during the run, niced CPU (another helper's `nice -n 19` work; the bench itself runs un-niced). */
  nicedCores: number;
  seconds: number;
}

/**
 * The machine's load, measured rather than guessed from process names: the CPU
 * time of the whole machine (/proc/stat) during a run, less that of the processes
 * the bench counts as its own (`own()`: its services, PostgreSQL, NATS, itself).
 * What is left is what other work took from the cores while the run was measured.
 */
export async function otherCpuDuring<T>(own: () => number[], run: () => Promise<T>): Promise<{ value: T; other: OtherCpu }> {
  const pids = own();
  const before = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
  const m0 = machineCpu();
  const t0 = performance.now();
  const value = await run();
  const seconds = (performance.now() - t0) / 1000;
  const m1 = machineCpu();
  let ours = 0;
  for (const pid of new Set([...pids, ...own()])) ours += Math.max(0, cpuSeconds(pid) - (before.get(pid) ?? 0));
  const other = Math.max(0, m1.busy - m0.busy - ours);
  return { value, other: { cores: other / seconds, nicedCores: (m1.niced - m0.niced) / seconds, seconds } };
}
