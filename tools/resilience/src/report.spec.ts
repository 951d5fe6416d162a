import { Criterion, evaluate, Fault, faultTable, formatTable, RunFacts, Sample, strayUnavailable, timeToFirstSuccess } from './report';

const sample = (over: Partial<Sample>): Sample => ({ kind: 'read', gateway: 'gateway-1', start: 1_000, end: 1_010, status: 200, outcome: 'answered', shapeOk: true, ...over });

const fault: Fault = { name: 'kill -9 auth-1', kind: 'instance', start: 1_000, end: 2_000, recovered: 2_100 };

/** A run where everything went as it must: operations succeeded or got 503, probes were refused. */
function cleanRun(): RunFacts {
  return {
    samples: [
      sample({ kind: 'mint', status: 200 }),
      sample({ kind: 'write_user', status: 200 }),
      sample({ kind: 'read', start: 1_000, status: 503, shapeOk: true }), // in flight at the kill
      sample({ kind: 'denied_read', status: 403 }),
      sample({ kind: 'denied_write', start: 1_050, status: 503 }),
      sample({ kind: 'revoked', status: 401 }),
      sample({ kind: 'read', outcome: 'connection', status: 0, cutByKill: true }),
    ],
    faults: [fault],
    readback: { acked: 1, found: 1, missing: [], audit: { found: 1, duplicated: 0 } },
    revocationAnswer: 401,
    balancerSawKill: true,
    crashes: [],
  };
}

const failing = (criteria: Criterion[]) => criteria.filter((c) => !c.pass).map((c) => c.name);

describe('resilience pass criteria', () => {
  it('pass when every request got success, the refusal or a 503 in the error shape', () => {
    expect(failing(evaluate(cleanRun()))).toEqual([]);
  });

  it.each<[string, (f: RunFacts) => void, string]>([
    ['a hang', (f) => f.samples.push(sample({ outcome: 'hang', status: 0 })), 'no request hangs past 3 s'],
    ['a 500', (f) => f.samples.push(sample({ status: 500 })), 'no 500 (nor any 5xx but 503)'],
    ['a 502', (f) => f.samples.push(sample({ status: 502 })), 'no 500 (nor any 5xx but 503)'],
    ['a 503 off-shape', (f) => f.samples.push(sample({ start: 1_000, status: 503, shapeOk: false })), 'outages answered 503 in the error shape'],
    ['a 503 once the killed instance had a replica', (f) => f.samples.push(sample({ start: 1_500, end: 1_600, status: 503 })), '503 only while a fault lasts (in flight at a kill; during an outage)'],
    ['a 401 on a valid token', (f) => f.samples.push(sample({ kind: 'read', status: 401 })), 'no other answer than success, the refusal or 503'],
    ['a 404 for a probe', (f) => f.samples.push(sample({ kind: 'denied_read', status: 404 })), 'no other answer than success, the refusal or 503'],
    ['a refused connection at a live gateway', (f) => f.samples.push(sample({ outcome: 'connection', status: 0 })), 'no connection error but at a killed gateway'],
    ['a lost write', (f) => (f.readback = { acked: 2, found: 1, missing: ['write_user x: 404'], audit: { found: 2, duplicated: 0 } }), 'every write that got a 2xx is there afterwards'],
    ['a write missing from the audit trail', (f) => (f.readback.audit = { found: 0, duplicated: 0 }), 'the audit trail holds every write that got a 2xx, once (kill -9 of a consumer, NATS restarts)'],
    ['a call stored twice in the audit trail', (f) => (f.readback.audit = { found: 1, duplicated: 1 }), 'the audit trail holds every write that got a 2xx, once (kill -9 of a consumer, NATS restarts)'],
    ['the denied principal allowed', (f) => f.samples.push(sample({ kind: 'denied_read', status: 200 })), 'the denied principal and revoked tokens never allowed'],
    ['a revoked token allowed', (f) => f.samples.push(sample({ kind: 'revoked', status: 200 })), 'the denied principal and revoked tokens never allowed'],
    ['no probe at all', (f) => (f.samples = f.samples.filter((s) => !['denied_read', 'denied_write', 'revoked'].includes(s.kind))), 'the denied principal and revoked tokens never allowed'],
    ['the restarted gateway honouring an old list', (f) => (f.revocationAnswer = 200), 'revoked while a gateway was down: refused by it once back'],
    ['a balancer that had to be told of the kill', (f) => (f.balancerSawKill = false), 'the balancer found the killed gateway out by itself'],
    ['a fault never healed', (f) => (f.faults = [{ ...fault, recovered: undefined }]), 'every fault recovered (all operations succeed again)'],
    ['a crash', (f) => (f.crashes = ['policy-2 exited {"code":1}']), 'no instance crashed on its own'],
  ])('fail on %s', (_name, spoil, criterion) => {
    const facts = cleanRun();
    spoil(facts);
    expect(failing(evaluate(facts))).toEqual([criterion]);
  });

  it('allows 503s during an outage until it has settled, and none in the baseline', () => {
    const baseline: Fault = { name: 'none', kind: 'none', start: 0, end: 0, recovered: 50 };
    const outage: Fault = { name: 'NATS restart', kind: 'outage', start: 1_000, end: 4_000, recovered: 5_000 };
    const at = (start: number) => sample({ start, end: start + 10, status: 503 });
    expect(strayUnavailable([at(10), at(1_500), at(5_900), at(6_100)], [baseline, outage]).map((s) => s.start)).toEqual([10, 6_100]);
    // An outage that never recovered: no end to its 503s to hold against it (the recovery criterion fails instead).
    expect(strayUnavailable([at(9_000)], [{ ...outage, recovered: undefined }])).toEqual([]);
  });

  it('excuses a 503 in flight at a kill, even when it started before that fault began, and nothing else', () => {
    const kill: Fault = { name: 'kill -9 identity-1', kind: 'instance', start: 10_000, end: 12_000, recovered: 12_050 };
    const req = (start: number, end: number) => sample({ start, end, status: 503 });
    const stray = strayUnavailable([req(9_100, 11_100), req(10_050, 12_050), req(10_200, 12_200), req(9_000, 9_500)], [kill]);
    expect(stray.map((s) => s.start)).toEqual([10_200, 9_000]);
  });

  it('time to first success counts only requests started after the fault ended', () => {
    const samples = [
      sample({ kind: 'mint', start: 1_500, end: 2_300, status: 200 }), // started during the fault
      sample({ kind: 'mint', start: 2_010, end: 2_400, status: 503 }),
      sample({ kind: 'mint', start: 2_020, end: 2_450, status: 200 }),
    ];
    expect(timeToFirstSuccess(samples, fault, 'mint')).toBe(450);
    expect(timeToFirstSuccess(samples, fault, 'read')).toBeUndefined();
  });

  it('tables one row per fault, counted from its start to the next', () => {
    const second: Fault = { name: 'NATS restart', kind: 'outage', start: 5_000, end: 9_000, recovered: undefined };
    const rows = faultTable([sample({ start: 1_200, status: 503 }), sample({ start: 6_000, status: 200 }), sample({ start: 6_100, outcome: 'hang', status: 0 })], [fault, second]);
    expect(rows.slice(1).map((r) => [r[0], r[2], r[3], r[4], r[5], r[7]])).toEqual([
      ['kill -9 auth-1', '1', '0', '1', '0', '100 ms'],
      ['NATS restart', '2', '1', '0', '1', 'never'],
    ]);
    expect(formatTable(rows).split('\n')).toHaveLength(4);
  });
});
