/**
 * A project's request budget, one budget across every gateway instance, counted
 * in fixed one-second windows. The budget of a second lives in a shared counter
 * (a SliceSource); each instance takes *slices* of it — an eighth of what is left,
 * at least what its waiting requests need — and spends them locally, so a request
 * normally costs a decrement and no round trip. When the shared counter says the
 * second is spent, the instance refuses without asking again until the next second.
 * Projects never wait on each other: each has its own window and its own refill.
 * When the shared counter cannot be reached the instance falls back to counting
 * alone (at most the whole limit per second here): a budget never becomes unlimited.
 */
export interface SliceSource {
  /** False when a call is known to fail at once (the broker connection is down). */
  readonly available: boolean;
  /**
   * Takes up to `want` of the project's budget of `second` (epoch seconds) out of `limit`;
   * answers what it got and how much of that second is taken in all, ours included.
   * Throws when the shared counter cannot be reached.
   */
  take(projectId: string, second: number, want: number, limit: number): Promise<{ granted: number; used: number }>;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** What is left of this second's budget, as far as this instance knows. */
  remaining: number;
  /** Seconds until the budget starts over. */
  resetSeconds: number;
}

interface ProjectWindow {
  second: number;
  /** Slices taken and not yet spent. */
  available: number;
  /** The project's use of this second across instances, as last told (our slices included). */
  used: number;
  /** Taken by this instance this second, from the shared counter or, when it is away, alone. */
  granted: number;
  exhausted: boolean;
  waiting: number;
  refill?: Promise<void>;
}

/** After the shared counter failed, how long every refill is decided locally (no wait on a dead broker). */
const DEGRADED_MS = 1_000;
const SLICE_DIVISOR = 8;
/** A request waits for at most this many refills (each one a round trip) before it is refused. */
const MAX_REFILLS = 20;
const WINDOWS_MAX = 10_000;

export class RateBudget {
  private readonly windows = new Map<string, ProjectWindow>();
  private degradedUntil = 0;

  constructor(
    private readonly source: SliceSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Spends one request of the project's budget: synchronous while a slice lasts. */
  take(projectId: string, limit: number): RateDecision | Promise<RateDecision> {
    const now = this.clock();
    const w = this.window(projectId, now);
    if (w.available > 0) return this.spend(w, limit, now);
    if (w.exhausted) return refused(limit, now);
    return this.takeAfterRefill(projectId, limit);
  }

  /** Gives back one request taken this second (a request that turned out not to count). */
  refund(projectId: string): void {
    const w = this.windows.get(projectId);
    if (w && w.second === Math.floor(this.clock() / 1000)) w.available++;
  }

  private async takeAfterRefill(projectId: string, limit: number): Promise<RateDecision> {
    for (let i = 0; i < MAX_REFILLS; i++) {
      const w = this.window(projectId, this.clock());
      if (w.available > 0) return this.spend(w, limit, this.clock());
      if (w.exhausted) break;
      w.waiting++;
      try {
        w.refill ??= this.refill(projectId, w, limit).finally(() => (w.refill = undefined));
        await w.refill;
      } finally {
        w.waiting--;
      }
    }
    return refused(limit, this.clock());
  }

  private async refill(projectId: string, w: ProjectWindow, limit: number): Promise<void> {
    const left = Math.max(0, limit - w.used);
    const want = Math.max(1, Math.min(left, Math.max(w.waiting, Math.floor(left / SLICE_DIVISOR))));
    if (this.source.available && this.clock() >= this.degradedUntil) {
      try {
        const { granted, used } = await this.source.take(projectId, w.second, want, limit);
        w.available += granted;
        w.granted += granted;
        w.used = Math.max(used, w.granted);
        w.exhausted = used >= limit;
        return;
      } catch {
        this.degradedUntil = this.clock() + DEGRADED_MS;
      }
    }
    // Alone: this instance's own count, capped at the whole limit.
    const granted = Math.max(0, Math.min(want, limit - w.granted));
    w.available += granted;
    w.granted += granted;
    w.used = Math.max(w.used, w.granted);
    w.exhausted = w.granted >= limit;
  }

  private spend(w: ProjectWindow, limit: number, now: number): RateDecision {
    w.available--;
    return { allowed: true, limit, remaining: Math.max(0, limit - w.used + w.available), resetSeconds: resetSeconds(now) };
  }

  private window(projectId: string, now: number): ProjectWindow {
    const second = Math.floor(now / 1000);
    let w = this.windows.get(projectId);
    if (w && w.second === second) return w;
    if (!w && this.windows.size >= WINDOWS_MAX) this.prune(second);
    w = { second, available: 0, used: 0, granted: 0, exhausted: false, waiting: 0 };
    this.windows.set(projectId, w);
    return w;
  }

  private prune(second: number): void {
    for (const [id, w] of this.windows) if (w.second < second && !w.refill) this.windows.delete(id);
  }
}

function refused(limit: number, now: number): RateDecision {
  return { allowed: false, limit, remaining: 0, resetSeconds: resetSeconds(now) };
}

function resetSeconds(now: number): number {
  return Math.max(1, Math.ceil((Math.floor(now / 1000) * 1000 + 1000 - now) / 1000));
}
