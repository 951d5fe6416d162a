import autocannon from 'autocannon';

export interface LoadResult {
  /** Mean of autocannon's one-second samples. */
  rps: number;
  /** Responses received in the run (autocannon may take 11 one-second samples of a 10 s run: divide by this, not rps × seconds). */
  completed: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Responses by status code, e.g. `200×51234, 401×3`. */
  statuses?: string;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  /** Each request's path, asked afresh per request (e.g. a random id); default: the URL's. */
  path?: () => string;
}

/** One autocannon run over keep-alive HTTPS connections (loopback; the certificate is not verified). */
export async function load(opts: LoadOptions): Promise<LoadResult> {
  const path = opts.path;
  const result = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    connections: opts.connections,
    duration: opts.seconds,
    pipelining: 1,
    ...(path ? { requests: [{ setupRequest: (req) => Object.assign(req, { path: path() }) }] } : {}),
  });
  return {
    rps: result.requests.average,
    completed: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses: Object.entries(result.statusCodeStats ?? {})
      .map(([code, s]) => `${code}×${s.count ?? 0}`)
      .join(', '),
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Contender<R extends { rps: number } = LoadResult> {
  name: string;
  run: (seconds: number) => Promise<R>;
}

export interface RoundsReport<R extends { rps: number } = LoadResult> {
  rows: Array<{ round: number; name: string; result: R }>;
  /** A/B per clean round (a void round has none). */
  ratios: number[];
  /** Rounds where a contender answered anything but what was asked (non-2xx, errors, an unexpected answer): void, not counted. */
  voided: Array<{ round: number; why: string }>;
}

/** What makes a run's throughput not count: answers that were not what the run asked for. */
export function faultsOf(r: { non2xx?: number; errors?: number; unexpected?: number; check?: string }): string | undefined {
  const problems: string[] = [];
  if (r.non2xx) problems.push(`${r.non2xx} non-2xx`);
  if (r.errors) problems.push(`${r.errors} errors`);
  if (r.unexpected) problems.push(`${r.unexpected} unexpected answers`);
  if (r.check) problems.push(r.check);
  return problems.length ? problems.join('; ') : undefined;
}

/** "met" / "NOT met", or void when a round was: a verdict never rests on answers that failed. */
export function verdict(report: RoundsReport<{ rps: number }>, met: boolean): string {
  if (report.voided.length) return `VOID (${report.voided.map((v) => `round ${v.round}: ${v.why}`).join('; ')})`;
  if (!report.ratios.length) return 'VOID (no clean round)';
  return met ? 'met' : 'NOT met';
}

/**
 * Interleaved rounds after a warm-up of each: this machine's speed drifts
 * between minutes, so only ratios measured side by side carry meaning. The order
 * alternates (A B, B A, A B, ...): neither contender always runs on the heels of
 * the other's load.
 */
export async function interleave<R extends { rps: number; non2xx?: number; errors?: number; unexpected?: number; check?: string } = LoadResult>(
  a: Contender<R>,
  b: Contender<R>,
  rounds: number,
  warmupS: number,
  seconds: number,
): Promise<RoundsReport<R>> {
  await a.run(warmupS);
  await b.run(warmupS);
  const rows: RoundsReport<R>['rows'] = [];
  const ratios: number[] = [];
  const voided: RoundsReport<R>['voided'] = [];
  for (let round = 1; round <= rounds; round++) {
    let ra: R;
    let rb: R;
    if (round % 2 === 1) {
      ra = await a.run(seconds);
      rb = await b.run(seconds);
    } else {
      rb = await b.run(seconds);
      ra = await a.run(seconds);
    }
    rows.push({ round, name: a.name, result: ra }, { round, name: b.name, result: rb });
    const why = [faultsOf(ra) && `${a.name}: ${faultsOf(ra)}`, faultsOf(rb) && `${b.name}: ${faultsOf(rb)}`].filter(Boolean).join(', ');
    if (why) voided.push({ round, why });
    else ratios.push(ra.rps / rb.rps);
    process.stderr.write(`round ${round}: ${a.name} ${ra.rps.toFixed(0)} req/s, ${b.name} ${rb.rps.toFixed(0)} req/s${why ? ` (void: ${why})` : ''}\n`);
  }
  return { rows, ratios, voided };
}

export function formatReport(title: string, report: RoundsReport, aName: string, bName: string): string {
  const lines = [
    `### ${title}`,
    '',
    '| round | contender | req/s | p50 ms | p99 ms | non-2xx | errors |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.rows.map(
      ({ round, name, result: r }) =>
        `| ${round} | ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`,
    ),
    '',
    ratioLine(report, aName, bName),
  ];
  return lines.join('\n');
}

/** The median ratio over the clean rounds, their range, and the rounds left out. */
export function ratioLine(report: RoundsReport<{ rps: number }>, aName: string, bName: string): string {
  const voided = report.voided.length ? `; void, not counted: ${report.voided.map((v) => `round ${v.round} (${v.why})`).join(', ')}` : '';
  if (!report.ratios.length) return `ratio ${aName} / ${bName}: no clean round${voided}`;
  return (
    `ratio ${aName} / ${bName}: median **${median(report.ratios).toFixed(2)}** ` +
    `(range ${Math.min(...report.ratios).toFixed(2)}–${Math.max(...report.ratios).toFixed(2)}; per clean round ${report.ratios.map((r) => r.toFixed(2)).join(', ')}${voided})`
  );
}
