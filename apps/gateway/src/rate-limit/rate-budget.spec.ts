import { RateBudget, RateDecision, SliceSource } from './rate-budget';

/** The shared counter as the KV bucket keeps it: one count per project and second, taken atomically. */
class SharedCounter implements SliceSource {
  available = true;
  calls = 0;
  readonly used = new Map<string, number>();
  fail = false;
  hang = new Set<string>();

  async take(projectId: string, second: number, want: number, limit: number): Promise<{ granted: number; used: number }> {
    this.calls++;
    await Promise.resolve();
    if (this.hang.has(projectId)) await new Promise(() => undefined);
    if (this.fail) throw new Error('JetStream away');
    const key = `${projectId}.${second}`;
    const used = this.used.get(key) ?? 0;
    const granted = Math.max(0, Math.min(want, limit - used));
    this.used.set(key, used + granted);
    return { granted, used: used + granted };
  }
}

const settle = async (d: RateDecision | Promise<RateDecision>) => d;

async function spend(budget: RateBudget, project: string, limit: number, n: number): Promise<RateDecision[]> {
  return Promise.all(Array.from({ length: n }, () => settle(budget.take(project, limit))));
}

describe('RateBudget', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  it('admits exactly the limit in a second across two instances sharing the counter, then refuses', async () => {
    const shared = new SharedCounter();
    const a = new RateBudget(shared, clock);
    const b = new RateBudget(shared, clock);
    const decisions = [...(await spend(a, 'p', 30, 40)), ...(await spend(b, 'p', 30, 40)), ...(await spend(a, 'p', 30, 5))];
    expect(decisions.filter((d) => d.allowed)).toHaveLength(30);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused).toEqual({ allowed: false, limit: 30, remaining: 0, resetSeconds: 1 });
  });

  it('interleaved one request at a time, the two instances still share one budget', async () => {
    const shared = new SharedCounter();
    const instances = [new RateBudget(shared, clock), new RateBudget(shared, clock)];
    let admitted = 0;
    for (let i = 0; i < 100; i++) if ((await settle(instances[i % 2].take('p', 30))).allowed) admitted++;
    // Slices one instance holds and does not spend are the only loss.
    expect(admitted).toBeLessThanOrEqual(30);
    expect(admitted).toBeGreaterThanOrEqual(27);
  });

  it('starts over every second', async () => {
    const shared = new SharedCounter();
    const budget = new RateBudget(shared, clock);
    expect((await spend(budget, 'p', 5, 8)).filter((d) => d.allowed)).toHaveLength(5);
    now += 1_000;
    expect((await spend(budget, 'p', 5, 8)).filter((d) => d.allowed)).toHaveLength(5);
  });

  it('takes slices, not one round trip per request, and answers from the slice synchronously', async () => {
    const shared = new SharedCounter();
    const budget = new RateBudget(shared, clock);
    await settle(budget.take('p', 10_000));
    const sync = budget.take('p', 10_000);
    expect(sync).not.toBeInstanceOf(Promise);
    await spend(budget, 'p', 10_000, 2_000);
    expect(shared.calls).toBeLessThan(10);
  });

  it('reports the limit and what is left in the headers it feeds', async () => {
    const budget = new RateBudget(new SharedCounter(), clock);
    const first = await settle(budget.take('p', 10));
    expect(first).toMatchObject({ allowed: true, limit: 10, resetSeconds: 1 });
    expect(first.remaining).toBe(9);
    const next = await settle(budget.take('p', 10));
    expect(next.remaining).toBe(8);
  });

  it('when the shared counter is away, counts alone: the limit per second, never unlimited, and no wait per request', async () => {
    const shared = new SharedCounter();
    shared.fail = true;
    now += 500;
    const budget = new RateBudget(shared, clock);
    expect((await spend(budget, 'p', 20, 50)).filter((d) => d.allowed)).toHaveLength(20);
    const callsWhileDegraded = shared.calls;
    now += 600; // a new second, still within the degraded spell after the failure
    expect((await spend(budget, 'p', 20, 50)).filter((d) => d.allowed)).toHaveLength(20);
    expect(shared.calls).toBe(callsWhileDegraded);
    shared.available = false;
    shared.fail = false;
    now += 5_000;
    expect((await spend(budget, 'p', 20, 50)).filter((d) => d.allowed)).toHaveLength(20);
  });

  it('a project whose shared counter never answers does not hold up another project', async () => {
    const shared = new SharedCounter();
    shared.hang.add('stuck');
    const budget = new RateBudget(shared, clock);
    const stuck = settle(budget.take('stuck', 30));
    let stuckSettled = false;
    void stuck.then(() => (stuckSettled = true));
    const other = await spend(budget, 'other', 30, 30);
    expect(other.every((d) => d.allowed)).toBe(true);
    expect(stuckSettled).toBe(false);
  });

  it('a project over its budget costs no round trip until its next second', async () => {
    const shared = new SharedCounter();
    const budget = new RateBudget(shared, clock);
    await spend(budget, 'p', 3, 10);
    const calls = shared.calls;
    const refused = await spend(budget, 'p', 3, 100);
    expect(refused.every((d) => !d.allowed)).toBe(true);
    expect(shared.calls).toBe(calls);
  });

  it('a refund gives a request back within its second', async () => {
    const budget = new RateBudget(new SharedCounter(), clock);
    expect((await spend(budget, 'p', 2, 2)).every((d) => d.allowed)).toBe(true);
    budget.refund('p');
    expect((await settle(budget.take('p', 2))).allowed).toBe(true);
    expect((await settle(budget.take('p', 2))).allowed).toBe(false);
  });
});
