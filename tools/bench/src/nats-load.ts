import type { NatsService } from '@gatehouse/platform';
import { percentile } from './bench-stats';

export interface NatsLoadResult {
  /** Answered requests per second, over the whole run. */
  rps: number;
  /** Latency percentiles in milliseconds, of every request that was answered. */
  p50: number;
  p99: number;
  max: number;
  completed: number;
  /** Answered, but not with what `expect` wanted (e.g. a check that came back denied). */
  unexpected: number;
  /** Not answered (timeout, no responders: NatsService.request rejects). */
  errors: number;
  firstError?: string;
}

export interface NatsLoadOptions {
  nats: NatsService;
  /** Subject without the prefix (NatsService.request prepends it). */
  subject: string;
  payload: unknown;
  inFlight: number;
  seconds: number;
  /** Whether an answer is the expected one; default: anything. */
  expect?: (response: unknown) => boolean;
}

/**
 * `inFlight` workers, each sending its next request as soon as the previous one
 * is answered, over one NatsService connection, for `seconds`. Latency per
 * request with process.hrtime.bigint(); requests in flight at the deadline are
 * waited for and counted (the duration is measured to the last answer).
 */
export async function natsLoad(opts: NatsLoadOptions): Promise<NatsLoadResult> {
  const latencies: number[] = [];
  let unexpected = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(opts.seconds * 1e9));
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        const res = await opts.nats.request<unknown>(opts.subject, opts.payload);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (opts.expect && !opts.expect(res)) {
          unexpected++;
          firstError ??= `unexpected answer: ${JSON.stringify(res)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= String((err as Error).message ?? err);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.inFlight }, worker));
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  const sorted = Float64Array.from(latencies).sort();
  const completed = latencies.length + errors;
  return {
    rps: latencies.length / elapsedS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    completed,
    unexpected,
    errors,
    firstError,
  };
}
