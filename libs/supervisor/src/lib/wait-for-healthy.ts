import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ExitStatus, ServiceProcess } from './service-process';

export interface WaitForHealthyOptions {
  timeoutMs: number;
  /** The process being waited for: when it exits, waiting stops at once with its output. */
  process?: ServiceProcess;
  /**
   * For https: the CA to trust (e.g. the self-signed certificate itself).
   * Without it the certificate is not verified (loopback).
   */
  ca?: string | Buffer;
  /** Delay between attempts. Default 100 ms. */
  intervalMs?: number;
}

/** A service did not become healthy: it exited, or the deadline passed. */
export class ServiceNotHealthyError extends Error {
  constructor(
    message: string,
    readonly url: string,
    /** The last answer or connection error seen, e.g. `HTTP 503` or `ECONNREFUSED`. */
    readonly lastProblem: string | undefined,
    readonly exitStatus: ExitStatus | undefined,
    readonly output: string,
  ) {
    super(message);
    this.name = 'ServiceNotHealthyError';
  }
}

/** Polls GET `url` until it answers 200. */
export async function waitForHealthy(url: string, opts: WaitForHealthyOptions): Promise<void> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`not an http(s) URL: ${url}`);
  const interval = opts.intervalMs ?? 100;
  const deadline = Date.now() + opts.timeoutMs;
  const proc = opts.process;
  const label = proc ? `${proc.name} (pid ${proc.pid})` : url;
  let lastProblem: string | undefined;
  let exit: ExitStatus | undefined;
  const exited = proc?.exited.then((status) => {
    exit = status;
    return 'exited' as const;
  });

  const fail = (why: string): never => {
    const output = proc?.recentOutput() ?? '';
    const parts = [`${label} is not healthy: ${why}`, `  url: ${url}`];
    if (lastProblem) parts.push(`  last answer: ${lastProblem}`);
    if (proc) parts.push(output ? `  recent output:\n${indent(output)}` : '  recent output: (none)');
    throw new ServiceNotHealthyError(parts.join('\n'), url, lastProblem, exit, output);
  };

  for (;;) {
    if (exit) fail(`the process exited (${describeExit(exit)}) before it was ready`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) fail(`no 200 answer within ${opts.timeoutMs} ms`);

    const attempt = probe(target, opts.ca, Math.min(2_000, remaining));
    const first = await (exited ? Promise.race([attempt, exited]) : attempt);
    if (first === 'exited') continue;
    if (first.ok) return;
    lastProblem = first.problem;

    const pause = sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
    await (exited ? Promise.race([pause, exited]) : pause);
  }
}

type ProbeResult = { ok: true } | { ok: false; problem: string };

function probe(target: URL, ca: string | Buffer | undefined, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const options = {
      method: 'GET',
      timeout: timeoutMs,
      agent: false as const,
      headers: { accept: 'application/json' },
    };
    const onResponse = (res: import('node:http').IncomingMessage) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status === 200 ? { ok: true } : { ok: false, problem: `HTTP ${status}` });
    };
    const req =
      target.protocol === 'https:'
        ? httpsRequest(target, { ...options, ca, rejectUnauthorized: ca !== undefined }, onResponse)
        : httpRequest(target, options, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const problem = err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
      resolve({ ok: false, problem });
    });
    req.end();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeExit(status: ExitStatus): string {
  if (status.signal) return `signal ${status.signal}`;
  if (status.code === 78) return 'exit code 78: configuration error';
  if (status.code === null) return 'could not be started';
  return `exit code ${status.code}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
