import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
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
  ratios: number[];
}

/**
 * Interleaved rounds after a warm-up of each: this machine's speed drifts
 * between minutes, so only ratios measured side by side carry meaning. The order
 * alternates (A B, B A, A B, ...): neither contender always runs on the heels of
 * the other's load.
 */
export async function interleave<R extends { rps: number } = LoadResult>(
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
    ratios.push(ra.rps / rb.rps);
    process.stderr.write(`round ${round}: ${a.name} ${ra.rps.toFixed(0)} req/s, ${b.name} ${rb.rps.toFixed(0)} req/s\n`);
  }
  return { rows, ratios };
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
    `ratio ${aName} / ${bName}: median **${median(report.ratios).toFixed(2)}** ` +
      `(range ${Math.min(...report.ratios).toFixed(2)}–${Math.max(...report.ratios).toFixed(2)}; per round ${report.ratios.map((r) => r.toFixed(2)).join(', ')})`,
  ];
  return lines.join('\n');
}
