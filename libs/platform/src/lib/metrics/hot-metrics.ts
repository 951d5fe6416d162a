import type { Registry } from 'prom-client';

/**
 * Counter and histogram families for the per-request paths, served by the same
 * prom-client registry (it asks each metric for its values at scrape time).
 *
 * Why not prom-client's own: its label-bound children still build and hash a
 * label object on every `inc()`/`observe()` (~0.5 µs each, four to six of them
 * per minted token across the gateway and auth). Here a child is resolved once
 * by its label values and recording is an addition (a histogram also finds its
 * bucket among a dozen bounds); the exposition is built only when scraped.
 */

type Labels<L extends string> = Record<L, string>;

/** The le label of a bucket bound, as prom-client writes it. */
function le(bound: number): string {
  return bound === Infinity ? '+Inf' : String(bound);
}

abstract class HotFamily<L extends string, C> {
  private readonly children = new Map<string, { labels: Labels<L>; child: C }>();

  protected constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The child of these label values (made on first use; resolve it once and keep it on a hot path). */
  labels(labels: Labels<L>): C {
    const key = this.labelNames.map((n) => labels[n]).join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, child: this.create() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  protected abstract create(): C;

  protected entries(): Array<{ labels: Labels<L>; child: C }> {
    return [...this.children.values()];
  }

  /** prom-client's registry calls this to reset (tests); counts start again. */
  reset(): void {
    this.children.clear();
  }
}

export interface HotCounterChild {
  inc(n?: number): void;
}

class CounterChild implements HotCounterChild {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
}

export class HotCounter<L extends string> extends HotFamily<L, CounterChild> {
  readonly type = 'counter';

  constructor(name: string, help: string, labelNames: readonly L[], registry: Registry) {
    super(name, help, labelNames, registry);
  }

  protected create(): CounterChild {
    return new CounterChild();
  }

  async get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: 'sum' as const,
      values: this.entries().map(({ labels, child }) => ({ labels, value: child.value })),
    };
  }
}

export interface HotHistogramChild {
  observe(value: number): void;
}

class HistogramChild implements HotHistogramChild {
  /** Observations per bucket, not cumulative; the last one is +Inf's. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

export class HotHistogram<L extends string> extends HotFamily<L, HistogramChild> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
    if (bounds.some((b, i) => i > 0 && b <= bounds[i - 1])) throw new Error(`${name}: bucket bounds must increase`);
  }

  protected create(): HistogramChild {
    return new HistogramChild(this.bounds);
  }

  async get() {
    // As prom-client writes a histogram: `le` (then the registry's default labels) first, the child's labels shared after them.
    const values: Array<{ metricName: string; labels: Record<string, string>; sharedLabels: Record<string, string>; value: number }> = [];
    for (const { labels, child } of this.entries()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += child.counts[i];
        values.push({ metricName: `${this.name}_bucket`, labels: { le: le(i < this.bounds.length ? this.bounds[i] : Infinity) }, sharedLabels: labels, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: {}, sharedLabels: labels, value: child.sum });
      values.push({ metricName: `${this.name}_count`, labels: {}, sharedLabels: labels, value: child.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum' as const, values };
  }
}
