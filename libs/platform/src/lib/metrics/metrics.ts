import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { HotCounter, HotCounterChild, HotHistogram, HotHistogramChild } from './hot-metrics';

/**
 * The process's Prometheus metrics (prom-client), served as text on `GET /metrics`
 * of the service's health port (never the gateway's public one). Off
 * (METRICS_ENABLED=false), every recording function below returns at once and
 * nothing is served. Labels are bounded by construction: a route template, a
 * subject of the contracts, an outcome or a kind; never a project, user,
 * client or token id (a caller that has one strips it first).
 */
export const metricsRegistry = new Registry();

let enabled = false;

/** Whether this process records metrics (set once at start by runService). */
export function metricsEnabled(): boolean {
  return enabled;
}

/**
 * How often Node's event-loop delay is sampled for `nodejs_eventloop_lag_*` (prom-client's
 * default is every 10 ms). Each sample is a timer that wakes an idle process: 100 wakeups a
 * second cost an idle service ~6 ms of CPU a second on a small VM, more than everything else it
 * does while idle. Sampled every 100 ms, a blocked loop still shows at its full length.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/** Turns recording on, with the `service` label on every series and Node's process metrics. */
export function enableMetrics(service: string): void {
  if (enabled) return;
  enabled = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
}

/** The exposition text and its content type. */
export async function metricsText(): Promise<{ body: string; contentType: string }> {
  return { body: await metricsRegistry.metrics(), contentType: metricsRegistry.contentType };
}

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [metricsRegistry] });
}

export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (this: Gauge<L>) => void | Promise<void>): Gauge<L> {
  return new Gauge({ name, help, labelNames, registers: [metricsRegistry], ...(collect ? { collect } : {}) });
}

/** Seconds; buckets from 1 ms to 10 s. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export function histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets = DURATION_BUCKETS): Histogram<L> {
  return new Histogram({ name, help, labelNames, buckets, registers: [metricsRegistry] });
}

/** A counter for a per-request path: resolve a child once (`.labels(…)`), then `inc()` is an addition (hot-metrics.ts). */
export function hotCounter<L extends string>(name: string, help: string, labelNames: readonly L[]): HotCounter<L> {
  return new HotCounter(name, help, labelNames, metricsRegistry);
}

/** A histogram for a per-request path (hot-metrics.ts). */
export function hotHistogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets = DURATION_BUCKETS): HotHistogram<L> {
  return new HotHistogram(name, help, labelNames, buckets, metricsRegistry);
}

// ---- HTTP (every service's Fastify server; the gateway's API routes) ----

const httpRequests = hotCounter('gatehouse_http_requests_total', 'HTTP requests answered, by route template, method and status code.', ['route', 'method', 'status']);
const httpDuration = hotHistogram('gatehouse_http_request_duration_seconds', 'Time to answer an HTTP request, by route template and method.', ['route', 'method']);

/** Methods outside this set count as OTHER (the method is the client's text). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type Pair = { count: HotCounterChild; duration: HotHistogramChild };

/** Label-bound children by their label values: one map lookup per request. */
const httpChildren = new Map<string, Pair>();

/** `route`: the matched route's template (`/v1/entities/:entity_id`), or `unmatched`; never the raw path. */
export function recordHttp(route: string | undefined, method: string, status: number, seconds: number): void {
  if (!enabled) return;
  const key = `${route}\u0000${method}\u0000${status}`;
  let c = httpChildren.get(key);
  if (!c) {
    const r = route || 'unmatched';
    const m = METHODS.has(method) ? method : 'OTHER';
    c = { count: httpRequests.labels({ route: r, method: m, status: String(status) }), duration: httpDuration.labels({ route: r, method: m }) };
    // Bounded: routes, methods and statuses are; anything else shares the first child made for it.
    if (httpChildren.size < 10_000) httpChildren.set(key, c);
  }
  c.count.inc();
  c.duration.observe(seconds);
}

// ---- NATS ----

export type NatsOutcome = 'ok' | 'error' | 'invalid' | 'unavailable';

const natsServed = hotCounter('gatehouse_nats_served_total', 'NATS requests and events handled, by subject (without the prefix) and outcome.', ['subject', 'outcome']);
const natsServedDuration = hotHistogram('gatehouse_nats_served_duration_seconds', 'Time to handle a NATS request, by subject.', ['subject']);
const natsRequested = hotCounter('gatehouse_nats_requests_total', 'NATS requests made, by subject (without the prefix) and outcome.', ['subject', 'outcome']);
const natsRequestDuration = hotHistogram('gatehouse_nats_request_duration_seconds', 'Time for a NATS request to be answered, by subject.', ['subject']);
const natsReconnects = counter('gatehouse_nats_reconnects_total', 'Reconnections to the NATS server.');

const servedChildren = new Map<string, Pair>();
const requestedChildren = new Map<string, Pair>();

function pairOf(cache: Map<string, Pair>, count: HotCounter<'subject' | 'outcome'>, duration: HotHistogram<'subject'>, subject: string, outcome: NatsOutcome): Pair {
  const key = `${subject}\u0000${outcome}`;
  let c = cache.get(key);
  if (!c) {
    c = { count: count.labels({ subject, outcome }), duration: duration.labels({ subject }) };
    cache.set(key, c);
  }
  return c;
}

/** `subject`: a subject of the contracts (a served pattern), never one built from data. */
export function recordNatsServed(subject: string, outcome: NatsOutcome, seconds?: number): void {
  if (!enabled) return;
  const c = pairOf(servedChildren, natsServed, natsServedDuration, subject, outcome);
  c.count.inc();
  if (seconds !== undefined) c.duration.observe(seconds);
}

export function recordNatsRequest(subject: string, outcome: NatsOutcome, seconds: number): void {
  if (!enabled) return;
  const c = pairOf(requestedChildren, natsRequested, natsRequestDuration, subject, outcome);
  c.count.inc();
  c.duration.observe(seconds);
}

export function recordNatsReconnect(): void {
  if (enabled) natsReconnects.inc();
}

// ---- Database pool ----

/** What a pool reports (pg's Pool). */
export interface PoolState {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const pools: Array<() => PoolState | undefined> = [];
gauge('gatehouse_db_pool_connections', 'Database pool connections: in use, idle, and requests waiting for one.', ['state'], function () {
  let inUse = 0;
  let idle = 0;
  let waiting = 0;
  for (const read of pools) {
    const p = read();
    if (!p) continue;
    inUse += p.totalCount - p.idleCount;
    idle += p.idleCount;
    waiting += p.waitingCount;
  }
  this.set({ state: 'in_use' }, inUse);
  this.set({ state: 'idle' }, idle);
  this.set({ state: 'waiting' }, waiting);
});

/** A database pool to report (read at each scrape). */
export function watchPool(read: () => PoolState | undefined): void {
  pools.push(read);
}

/** Seconds since `startNs` (process.hrtime.bigint()). */
export function secondsSince(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}
