/** Load operations: each must succeed when nothing is broken. */
export type OpKind = 'mint' | 'read' | 'policy_read' | 'write_user' | 'write_role';
/** Probes: each must be refused, always. */
export type ProbeKind = 'denied_read' | 'denied_write' | 'revoked';
export type Kind = OpKind | ProbeKind;

export const OP_KINDS: readonly OpKind[] = ['mint', 'read', 'policy_read', 'write_user', 'write_role'];

export interface Sample {
  kind: Kind;
  gateway: string;
  start: number;
  end: number;
  /** HTTP status; 0 when no answer came. */
  status: number;
  outcome: 'answered' | 'hang' | 'connection';
  /** For an error status: the body is in the API's error shape. */
  shapeOk: boolean;
  /** A connection error of a request in flight when its gateway was killed. */
  cutByKill?: boolean;
  detail?: string;
}

/** What each kind must get when the system works: success for operations, the refusal for probes. */
export const EXPECTED: Record<Kind, number> = {
  mint: 200,
  read: 200,
  policy_read: 200,
  write_user: 200,
  write_role: 200,
  denied_read: 403,
  denied_write: 403,
  revoked: 401,
};

export interface Fault {
  name: string;
  /**
   * `instance`: one of two instances killed, so a request started after the kill
   * has the other: only requests in flight at the kill may fail (503).
   * `outage`: a shared dependency away, 503 expected until it is back.
   * `none`: the baseline, nothing may fail.
   */
  kind: 'none' | 'instance' | 'outage';
  /** When the fault began (kill, stop). */
  start: number;
  /** When it ended: the instance or server is back (ready, accepting connections). */
  end: number;
  /** When every operation kind had succeeded again after `end`; undefined: never (within the wait). */
  recovered?: number;
}

export interface Readback {
  acked: number;
  found: number;
  missing: string[];
  /**
   * The audit trail afterwards (docs/AUDIT.md): of the `acked` writes, how many have their
   * response entry, and how many calls have more than one (a redelivery stored twice).
   */
  audit: { found: number; duplicated: number };
}

export interface RunFacts {
  samples: Sample[];
  faults: Fault[];
  readback: Readback;
  /** The revoked-while-down token's first answer at the restarted gateway. */
  revocationAnswer: number | undefined;
  /** The balancer held the killed gateway down by itself (no one told it). */
  balancerSawKill?: boolean;
  crashes: string[];
}

export interface Criterion {
  name: string;
  pass: boolean;
  figure: string;
}

const isSuccess = (s: Sample) => s.outcome === 'answered' && s.status >= 200 && s.status < 300;
const isProbe = (k: Kind) => k === 'denied_read' || k === 'denied_write' || k === 'revoked';

/** Time from the fault's end to the first success of `kind` among requests started after it. */
export function timeToFirstSuccess(samples: Sample[], fault: Fault, kind: OpKind): number | undefined {
  let first: number | undefined;
  for (const s of samples) if (s.kind === kind && s.start >= fault.end && isSuccess(s) && (first === undefined || s.end < first)) first = s.end;
  return first === undefined ? undefined : first - fault.end;
}

/** A request started this long after a kill was never in flight at the dead instance. */
export const IN_FLIGHT_MS = 100;
/** After an outage, every operation kind has succeeded again; from this long after that, all must. */
export const SETTLE_MS = 1_000;

/**
 * 503s where none may be. A 503 is excused by a fault it overlapped: a kill of
 * one of two instances excuses a request in flight at the kill (started before
 * it, or within IN_FLIGHT_MS after it, and still unanswered when it came); an
 * outage excuses a request in flight at any time from its start until every
 * operation had succeeded again (plus SETTLE_MS); the baseline excuses nothing.
 */
export function strayUnavailable(samples: Sample[], faults: Fault[]): Sample[] {
  const windows = faults
    .filter((f) => f.kind !== 'none')
    .map((f) => ({
      from: f.start,
      until: f.kind === 'instance' ? f.start + IN_FLIGHT_MS : f.recovered === undefined ? Infinity : f.recovered + SETTLE_MS,
    }));
  return samples.filter((s) => s.status === 503 && !windows.some((w) => s.start < w.until && s.end >= w.from));
}

/** The pass criteria of the resilience run, each with the figure it was judged on. */
export function evaluate(facts: RunFacts): Criterion[] {
  const { samples, faults, readback } = facts;
  const hangs = samples.filter((s) => s.outcome === 'hang');
  const fiveHundreds = samples.filter((s) => s.outcome === 'answered' && s.status >= 500 && s.status !== 503);
  const unavailable = samples.filter((s) => s.outcome === 'answered' && s.status === 503);
  const badShape = samples.filter((s) => s.outcome === 'answered' && s.status >= 400 && !s.shapeOk);
  // Anything but the expected answer, 503 and 5xx (counted above) and a probe let through (counted below).
  const unexpected = samples.filter(
    (s) => s.outcome === 'answered' && s.status < 500 && s.status !== EXPECTED[s.kind] && !(isProbe(s.kind) && isSuccess(s)),
  );
  const allowed = samples.filter((s) => isProbe(s.kind) && isSuccess(s));
  const cut = samples.filter((s) => s.outcome === 'connection' && s.cutByKill);
  const connection = samples.filter((s) => s.outcome === 'connection' && !s.cutByKill);
  const unrecovered = faults.filter((f) => f.recovered === undefined);
  const probes = samples.filter((s) => isProbe(s.kind));
  const stray = strayUnavailable(samples, faults);
  return [
    { name: `no request hangs past 3 s`, pass: hangs.length === 0, figure: `${hangs.length} of ${samples.length}` },
    { name: 'no 500 (nor any 5xx but 503)', pass: fiveHundreds.length === 0, figure: `${fiveHundreds.length}${example(fiveHundreds)}` },
    { name: 'outages answered 503 in the error shape', pass: badShape.length === 0, figure: `${unavailable.length} × 503, ${badShape.length} error bodies off-shape${example(badShape)}` },
    {
      name: '503 only while a fault lasts (in flight at a kill; during an outage)',
      pass: stray.length === 0,
      figure: `${stray.length} outside${example(stray)}`,
    },
    { name: 'no other answer than success, the refusal or 503', pass: unexpected.length === 0, figure: `${unexpected.length}${example(unexpected)}` },
    { name: 'no connection error but at a killed gateway', pass: connection.length === 0, figure: `${connection.length} (${cut.length} in flight at a gateway's kill)${example(connection)}` },
    { name: 'every write that got a 2xx is there afterwards', pass: readback.missing.length === 0 && readback.found === readback.acked, figure: `${readback.found} of ${readback.acked} read back, ${readback.missing.length} missing` },
    {
      name: 'the audit trail holds every write that got a 2xx, once (kill -9 of a consumer, NATS restarts)',
      pass: readback.audit.found === readback.acked && readback.audit.duplicated === 0,
      figure: `${readback.audit.found} of ${readback.acked} in the trail, ${readback.audit.duplicated} stored twice`,
    },
    { name: 'the denied principal and revoked tokens never allowed', pass: allowed.length === 0 && probes.length > 0, figure: `${allowed.length} allowed of ${probes.length} probes` },
    { name: 'revoked while a gateway was down: refused by it once back', pass: facts.revocationAnswer === 401, figure: `first answer ${facts.revocationAnswer ?? 'none'}` },
    {
      name: 'the balancer found the killed gateway out by itself',
      pass: facts.balancerSawKill !== false,
      figure: facts.balancerSawKill === undefined ? 'not measured' : facts.balancerSawKill ? 'held down within 1 s of the kill' : 'still sending to it',
    },
    { name: 'every fault recovered (all operations succeed again)', pass: unrecovered.length === 0, figure: unrecovered.length ? `not: ${unrecovered.map((f) => f.name).join(', ')}` : `${faults.length} of ${faults.length}` },
    { name: 'no instance crashed on its own', pass: facts.crashes.length === 0, figure: facts.crashes.length ? facts.crashes.join('; ') : 'none' },
  ];
}

/** One row per fault: what the clients saw from its start until the next fault. */
export function faultTable(samples: Sample[], faults: Fault[]): string[][] {
  const rows = [['fault', 'lasted', 'requests', '2xx', '503', 'hung', 'first success after (mint/read/policy/user/role)', 'all back after']];
  faults.forEach((f, i) => {
    const until = faults[i + 1]?.start ?? Infinity;
    const within = samples.filter((s) => s.start >= f.start && s.start < until && !isProbe(s.kind));
    const firsts = OP_KINDS.map((k) => timeToFirstSuccess(samples, f, k));
    rows.push([
      f.name,
      `${((f.end - f.start) / 1000).toFixed(1)} s`,
      String(within.length),
      String(within.filter(isSuccess).length),
      String(within.filter((s) => s.status === 503).length),
      String(within.filter((s) => s.outcome === 'hang').length),
      firsts.map((t) => (t === undefined ? '—' : `${t}`)).join('/') + ' ms',
      f.recovered === undefined ? 'never' : `${f.recovered - f.end} ms`,
    ]);
  });
  return rows;
}

export function criteriaTable(criteria: Criterion[]): string[][] {
  return [['criterion', 'result', 'figure'], ...criteria.map((c) => [c.name, c.pass ? 'PASS' : 'FAIL', c.figure])];
}

/** A plain-text table, columns padded. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join(' | ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

function example(samples: Sample[]): string {
  const s = samples[0];
  if (!s) return '';
  return ` (e.g. ${s.kind} at ${s.gateway}: ${s.outcome === 'answered' ? s.status : s.outcome} ${(s.detail ?? '').slice(0, 120)})`;
}
