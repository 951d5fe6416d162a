import pino, { DestinationStream, Logger } from 'pino';
import type { BaseConfig } from '../config/load-config';
import { AccessCounts, formatAccessSummary, formatConsoleLine } from './console-format';
import { loggerOptions } from './logger';

export type LogSettings = Pick<BaseConfig, 'LOG_LEVEL' | 'LOG_FORMAT' | 'LOG_FILE' | 'LOG_ACCESS'>;

/** One answered HTTP request (the gateway's access log). */
export interface AccessEntry {
  request_id: string;
  method: string;
  path: string;
  status: number;
  ms: number;
}

export interface AccessLog {
  /** False when nothing would be written or counted (LOG_LEVEL above info): skip the hook. */
  readonly enabled: boolean;
  record(entry: AccessEntry): void;
}

/** A service's logs: where its lines go, and how they are flushed before it exits. */
export interface ServiceLogs {
  logger: Logger;
  access: AccessLog;
  /** Resolves once every line logged so far has been written (or `timeoutMs` passed). */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops the access summary's timer. */
  close(): void;
}

export interface ServiceLogsOptions {
  /** The console (LOG_FORMAT=pretty). Default: process.stdout. */
  console?: (text: string) => void;
  /** How often the access summary is printed. Default 10 s. */
  summaryIntervalMs?: number;
}

/** A stream pino writes to and that can say when it has written everything. */
interface Sink {
  stream: DestinationStream;
  flush(): Promise<void>;
}

/**
 * The destinations of a service's log lines, by LOG_FORMAT and LOG_FILE:
 * - LOG_FILE: every line as JSON, appended asynchronously (pino.destination, sync: false).
 * - LOG_FORMAT=json: every line as JSON on stdout, asynchronously as well.
 * - LOG_FORMAT=pretty: one short line per event on stdout (formatConsoleLine); the
 *   access lines summarised every 10 s (LOG_ACCESS=summary) or shown (lines).
 *
 * Asynchronous: a line is buffered and written by the event loop, off the request's
 * path; flush() writes what is left (on SIGTERM and a fatal error, before the exit),
 * and pino flushes synchronously on process exit as a last resort.
 */
export function createServiceLogs(service: string, settings: LogSettings, opts: ServiceLogsOptions = {}): ServiceLogs {
  const level = settings.LOG_LEVEL;
  const out = opts.console ?? ((text: string) => void process.stdout.write(text));
  const json: Sink[] = [];
  if (settings.LOG_FILE) json.push(sonic({ dest: settings.LOG_FILE, mkdir: true, append: true, mode: 0o600 }));
  if (settings.LOG_FORMAT === 'json') json.push(sonic({ dest: 1 }));
  const pretty: Sink[] =
    settings.LOG_FORMAT === 'pretty'
      ? [{ stream: { write: (line: string) => out(formatConsoleLine(JSON.parse(line)) + '\n') }, flush: () => Promise.resolve() }]
      : [];

  const options = loggerOptions(service, level);
  const logger = pino(options, destination([...json, ...pretty]));
  const accessLines = settings.LOG_FORMAT === 'json' || settings.LOG_ACCESS === 'lines' ? [...json, ...pretty] : json;
  // The access entry is the gateway's own five fields, none of them a secret: no redaction pass per request.
  const accessLogger = accessLines.length ? pino({ ...options, redact: undefined }, destination(accessLines)) : undefined;
  const summary =
    settings.LOG_FORMAT === 'pretty' && settings.LOG_ACCESS === 'summary' && logger.isLevelEnabled('info')
      ? new AccessSummary(out, opts.summaryIntervalMs ?? 10_000)
      : undefined;
  const writes = accessLogger?.isLevelEnabled('info') ? accessLogger : undefined;

  return {
    logger,
    access: {
      enabled: writes !== undefined || summary !== undefined,
      record(entry) {
        writes?.info(entry, 'request');
        summary?.count(entry);
      },
    },
    flush: async (timeoutMs = 5_000) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.all(json.map((s) => s.flush())), late]);
      clearTimeout(timer);
    },
    close: () => summary?.close(),
  };
}

function sonic(opts: { dest: string | number; mkdir?: boolean; append?: boolean; mode?: number }): Sink {
  // Lines gather in memory and go out in writes of 4 KiB or more, and at least every
  // 250 ms (a line a second is not held back longer); flush(cb) waits for the rest.
  // One write per line cost the gateway more than the line's serialisation at a few
  // thousand requests a second (bench:token, npm-start-logging).
  const stream = pino.destination({ ...opts, sync: false, minLength: 4096, periodicFlush: 250 });
  return {
    stream,
    flush: () =>
      new Promise<void>((resolve) => {
        try {
          // Calls back once the buffer is written (an fsync error, e.g. on a pipe, is no reason to wait).
          stream.flush(() => resolve());
        } catch {
          resolve(); // destroyed: nothing more can be written
        }
      }),
  };
}

function destination(sinks: Sink[]): DestinationStream {
  if (sinks.length === 0) return { write: () => undefined };
  if (sinks.length === 1) return sinks[0].stream;
  // The logger's level decides what is written; every destination takes what it is given.
  return pino.multistream(sinks.map((s) => ({ stream: s.stream, level: 'trace' as const })));
}

/** Counts the answered requests; every interval with any, one line on the console. */
class AccessSummary {
  private counts: AccessCounts = { total: 0, statuses: new Map(), maxMs: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: (text: string) => void,
    private readonly intervalMs: number,
  ) {
    this.timer = setInterval(() => this.print(), intervalMs);
    this.timer.unref();
  }

  count(entry: AccessEntry): void {
    const c = this.counts;
    c.total++;
    c.statuses.set(entry.status, (c.statuses.get(entry.status) ?? 0) + 1);
    if (entry.ms > c.maxMs) c.maxMs = entry.ms;
  }

  private print(): void {
    if (this.counts.total === 0) return;
    const counts = this.counts;
    this.counts = { total: 0, statuses: new Map(), maxMs: 0 };
    this.out(formatAccessSummary(counts, Math.round(this.intervalMs / 1000)) + '\n');
  }

  close(): void {
    clearInterval(this.timer);
    this.print();
  }
}
