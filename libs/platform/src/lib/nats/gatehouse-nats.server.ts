import { NatsContext, NatsRecord, ServerNats, WritePacket } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { isObservable } from 'rxjs';
import { Context, context, SpanKind, trace } from '@opentelemetry/api';
import type { z } from 'zod';
import { contractIssues, contractOf, describeIssues, ErrorBody, ErrorCodes, Headers } from '@gatehouse/contracts';
import { metricsEnabled, recordNatsServed, secondsSince } from '../metrics/metrics';
import type { NatsService } from './nats.service';
import { enterRequest, extractTraceContext, leaveRequest, tracer, tracingState, unsampledParent } from '../tracing/tracing';

/**
 * How a served subject's request data is checked: its schema, and for a hot
 * subject a precompiled test that may accept without parsing (RequestContract).
 */
export interface RequestCheck {
  schema: z.ZodType;
  accepts?: (data: unknown) => boolean;
}
/** The check of a served subject's requests; undefined: the subject has no request contract. */
export type RequestCheckOf = (subject: string) => RequestCheck | undefined;

/** The request contracts of the subject table (libs/contracts). */
export const contractRequestCheck: RequestCheckOf = (subject) => {
  const c = contractOf(subject);
  return c?.kind === 'request' ? { schema: c.request, accepts: c.accepts } : undefined;
};

/**
 * Nest's NATS transport on the process's shared connection, with every
 * `@MessagePattern` subscribed under the configured subject prefix and in the
 * service's queue group, so N instances share the load. Every subject served
 * has a request schema in the contracts (a service without one does not
 * start), and every request's data is parsed with it before any handler runs:
 * a handler receives the parsed value, never the raw one, and a payload that
 * fails is answered `invalid_request` with its located issues.
 */
export class GatehouseNatsServer extends ServerNats {
  private readonly subs: Subscription[] = [];
  private readonly checks = new Map<string, RequestCheck>();

  constructor(
    private readonly nats: NatsService,
    private readonly queue: string,
    private readonly checkOf: RequestCheckOf = contractRequestCheck,
  ) {
    super({ queue });
  }

  override async listen(callback: (err?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    for (const channel of this.messageHandlers.keys()) {
      const check = this.checkOf(channel);
      if (!check) return callback(new Error(`NATS subject ${channel} has no request contract in libs/contracts: refusing to serve it unchecked`));
      this.checks.set(channel, check);
    }
    return super.listen(callback);
  }

  override createNatsClient(): Promise<NatsConnection> {
    return Promise.resolve(this.nats.connection) as any;
  }

  override bindEvents(client: NatsConnection): void {
    for (const channel of this.messageHandlers.keys()) {
      this.subs.push(
        client.subscribe(this.nats.subject(channel), {
          queue: this.queue,
          callback: this.getMessageHandler(channel).bind(this),
        }),
      );
    }
  }

  /**
   * A request answered with a plain value goes straight back: parse, call the
   * handler (Nest's pipes, guards, interceptors and exception filters included),
   * reply `{response, isDisposed, id}`, as Nest's transport does but without
   * wrapping the value in observables and scheduling its reply on the next tick
   * (~10% of auth's CPU per token under load, measured). An error or stream the
   * filters return as an observable, or a NatsRecord, takes Nest's own path; an
   * event or a request without a reply subject runs its handler and answers
   * nothing. The data is parsed with the subject's schema first (refused:
   * `invalid_request` with located issues), unless the subject's precompiled
   * check accepts it as it is. A packet that is not a JSON object is
   * refused (Nest's deserializer would throw, and the rejection would end the
   * process: anyone allowed to publish on a subject could stop the service).
   */
  override async handleMessage(channel: string, natsMsg: Msg): Promise<void> {
    if (!tracingState.enabled) return this.serve(channel, natsMsg);
    // Traced: a server span, child of the caller's (its context came in the headers), around the whole handling.
    const parent = extractTraceContext(natsMsg.headers);
    const requestId = natsMsg.headers?.get(Headers.requestId) || undefined;
    if (unsampledParent(parent)) return this.serveUnsampled(channel, natsMsg, parent, requestId);
    const span = tracer().startSpan(
      `${channel} process`,
      { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': channel, 'messaging.operation.type': 'process' } },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    const entered = requestId !== undefined && enterRequest(requestId, ctx);
    try {
      await (tracingState.asyncContext ? context.with(ctx, () => this.serve(channel, natsMsg)) : this.serve(channel, natsMsg));
    } finally {
      if (entered) leaveRequest(requestId);
      span.end();
    }
  }

  /** A request of a trace nobody samples: no span; its context is kept by request id, so the calls it makes pass the decision on. */
  private async serveUnsampled(channel: string, natsMsg: Msg, parent: Context, requestId: string | undefined): Promise<void> {
    const entered = requestId !== undefined && enterRequest(requestId, parent);
    try {
      await this.serve(channel, natsMsg);
    } finally {
      if (entered) leaveRequest(requestId);
    }
  }

  private async serve(channel: string, natsMsg: Msg): Promise<void> {
    const started = metricsEnabled() ? process.hrtime.bigint() : undefined;
    const packet = parsePacket(natsMsg.data);
    if (!packet) {
      recordNatsServed(channel, 'invalid');
      return this.refuseMalformed(natsMsg);
    }
    const handler = this.getHandlerByPattern(channel);
    const check = this.checks.get(channel);
    if (!handler || !check) {
      return super.handleMessage(channel, natsMsg).catch((err: unknown) => this.logger.error(`rpc on ${natsMsg.subject} failed: ${String(err)}`));
    }
    const id = typeof packet.id === 'string' ? packet.id : undefined;
    let data: unknown = packet.data;
    if (!check.accepts?.(data)) {
      const parsed = check.schema.safeParse(data);
      if (!parsed.success) {
        recordNatsServed(channel, 'invalid');
        return this.refuseInvalid(natsMsg, id, parsed.error);
      }
      data = parsed.data;
    }
    const ctx = new NatsContext([natsMsg.subject, natsMsg.headers]);
    if (!natsMsg.reply || id === undefined) {
      // Nobody waits for an answer (an event, or a request without an id): run the handler, drop its result.
      let outcome: 'ok' | 'error' = 'ok';
      const failed = (err: unknown): void => {
        outcome = 'error';
        this.logger.error(`rpc on ${natsMsg.subject} failed: ${String(err)}`);
      };
      try {
        this.transformToObservable(await handler(data, ctx)).subscribe({ error: failed });
      } catch (err) {
        failed(err);
      }
      if (started !== undefined) recordNatsServed(channel, outcome, secondsSince(started));
      return;
    }
    const result = await handler(data, ctx);
    // Each field named, not `{ ...response, id }`: in Node 20 a literal that adds a property after a spread is built by the runtime (~1 µs).
    const publish = (response: WritePacket): void => void natsMsg.respond(Buffer.from(JSON.stringify({ response: response.response, err: response.err, isDisposed: response.isDisposed, id })));
    if (isObservable(result) || result instanceof NatsRecord) {
      // The exception filters answer a handler's error as an observable (no handler here returns a stream).
      if (started !== undefined) recordNatsServed(channel, isObservable(result) ? 'error' : 'ok', secondsSince(started));
      this.send(this.transformToObservable(result), publish);
      return;
    }
    publish({ response: result, isDisposed: true });
    if (started !== undefined) recordNatsServed(channel, 'ok', secondsSince(started));
  }

  private refuseMalformed(natsMsg: Msg): void {
    const requestId = natsMsg.headers?.get(Headers.requestId) || 'none';
    this.logger.warn(`rpc refused: malformed packet on ${natsMsg.subject} (request_id ${requestId})`);
    if (natsMsg.reply) natsMsg.respond(Buffer.from(JSON.stringify({ err: MALFORMED, isDisposed: true })));
  }

  /** A payload its subject's schema refuses: `invalid_request` with the located issues; no handler sees it. */
  private refuseInvalid(natsMsg: Msg, id: string | undefined, error: z.ZodError): void {
    const issues = contractIssues(error);
    const requestId = natsMsg.headers?.get(Headers.requestId) || 'none';
    this.logger.warn(`rpc refused: invalid payload on ${natsMsg.subject} (request_id ${requestId}): ${describeIssues(issues).slice(0, 500)}`);
    if (!natsMsg.reply) return;
    const err: ErrorBody = { code: ErrorCodes.invalidRequest, message: `Invalid request: ${describeIssues(issues).slice(0, 300)}`, details: issues };
    natsMsg.respond(Buffer.from(JSON.stringify(id === undefined ? { err, isDisposed: true } : { err, isDisposed: true, id })));
  }

  /** Patterns are plain subject strings here: a map lookup, not Nest's per-message pattern parsing. */
  override getHandlerByPattern(pattern: string) {
    return this.messageHandlers.get(pattern) ?? null;
  }

  /** The shared connection is closed by its owner; only stop receiving here. */
  override async close(): Promise<void> {
    for (const sub of this.subs.splice(0)) sub.unsubscribe();
  }
}

const decoder = new TextDecoder();

const MALFORMED: ErrorBody = { code: ErrorCodes.invalidRequest, message: 'Malformed request packet' };

/** The packet as a JSON object, or undefined for anything else (bad UTF-8 decodes to U+FFFD, then fails to parse). */
function parsePacket(data: Uint8Array): { id?: unknown; data?: unknown } | undefined {
  try {
    const packet: unknown = JSON.parse(decoder.decode(data));
    return packet !== null && typeof packet === 'object' && !Array.isArray(packet) ? packet : undefined;
  } catch {
    return undefined;
  }
}
