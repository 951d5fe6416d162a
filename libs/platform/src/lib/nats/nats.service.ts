import { randomUUID } from 'node:crypto';
import { metricsEnabled, recordNatsReconnect, recordNatsRequest, secondsSince } from '../metrics/metrics';
import { headers as natsHeaders, NatsConnection, Msg, Subscription, Events } from 'nats';
import { RequestMux } from './request-mux';
import { contractIssues, contractOf, ErrorCodes, Headers } from '@gatehouse/contracts';
import { RemoteError } from '../errors/rpc-error';
import type { Logger } from 'pino';
import { coalesceWrites } from './write-coalescing';
import { DEFAULT_NATS_CONNECT_TIMEOUT_MS, firstConnect } from './first-connect';
import { contextOf, endSpan, injectTraceContext, startNatsClientSpan, tracingState } from '../tracing/tracing';

export interface NatsOptions {
  url: string;
  /** Connection name shown by the server (service name and instance). */
  name: string;
  prefix: string;
  user?: string;
  password?: string;
  requestTimeoutMs: number;
  /** How long the first connection may wait for the broker before the start fails (default 30 s). */
  connectTimeoutMs?: number;
  /** The variable the URL came from, for the error that names it (default NATS_URL). */
  urlVariable?: string;
  logger: Logger;
}

/**
 * Where a connection's replies arrive: `_INBOX_<user>` when it logs in as a user
 * (so the broker can let each user subscribe to its own replies only:
 * deploy/nats/nats-server.conf), nats.js's `_INBOX` otherwise.
 */
export function inboxPrefixFor(user: string | undefined): string {
  return user ? `_INBOX_${user.replace(/[^A-Za-z0-9_-]/g, '_')}` : '_INBOX';
}

export interface RequestOptions {
  requestId?: string;
  timeoutMs?: number;
}

/**
 * One NATS connection per process, shared by the Nest microservice server, the
 * RPC client, event publishing and broadcast subscriptions. A single connection
 * keeps a process's messages in order (an event published before a reply reaches
 * every subscriber before the caller can act on the reply).
 *
 * Request/reply speaks the packet format of Nest's NATS transport
 * (`{pattern, data, id}` → `{response | err, isDisposed, id}`), so services are
 * plain `@MessagePattern` handlers while callers avoid ClientProxy's overhead.
 */
export class NatsService {
  private readonly reconnectListeners: Array<() => void> = [];
  private readonly disconnectListeners: Array<() => void> = [];
  private closing = false;
  private readonly mux: RequestMux;

  private constructor(
    readonly connection: NatsConnection,
    private readonly options: NatsOptions,
  ) {
    this.mux = new RequestMux(connection, inboxPrefixFor(options.user));
    void this.watchStatus();
  }

  static async connect(options: NatsOptions): Promise<NatsService> {
    const connection = await firstConnect({
      servers: options.url,
      name: options.name,
      user: options.user,
      pass: options.password,
      inboxPrefix: inboxPrefixFor(options.user),
      // Async stack traces cost ~17% of a busy process's CPU (measured here).
      noAsyncTraces: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: 10_000,
    }, {
      variable: options.urlVariable ?? 'NATS_URL',
      timeoutMs: options.connectTimeoutMs ?? DEFAULT_NATS_CONNECT_TIMEOUT_MS,
      logger: options.logger,
    });
    const coalesced = coalesceWrites(connection);
    options.logger.info({ server: connection.getServer(), coalesced_writes: coalesced }, 'nats connected');
    return new NatsService(connection, options);
  }

  get prefix(): string {
    return this.options.prefix;
  }

  subject(name: string): string {
    return this.options.prefix + name;
  }

  isConnected(): boolean {
    return !this.connection.isClosed() && !this.disconnected;
  }

  private disconnected = false;

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  onDisconnect(listener: () => void): void {
    this.disconnectListeners.push(listener);
  }

  async request<Res>(subject: string, data: unknown, opts: RequestOptions = {}): Promise<Res> {
    const h = natsHeaders();
    h.set(Headers.requestId, opts.requestId ?? randomUUID());
    const packet = this.encode(subject, data, h.get(Headers.requestId));
    const span = tracingState.enabled ? startNatsClientSpan(subject, h, h.get(Headers.requestId)) : undefined;
    let reply: Msg;
    const started = metricsEnabled() ? process.hrtime.bigint() : undefined;
    try {
      reply = await this.mux.request(this.subject(subject), Buffer.from(packet), h, opts.timeoutMs ?? this.options.requestTimeoutMs);
    } catch (err) {
      // No responders, timeout, or connection closed: the callee is unavailable.
      if (started !== undefined) recordNatsRequest(subject, 'unavailable', secondsSince(started));
      this.options.logger.warn({ subject, err: String(err) }, 'nats request failed');
      if (span) endSpan(span, err);
      throw new RemoteError({ code: ErrorCodes.unavailable, message: 'Service temporarily unavailable' });
    }
    const body = JSON.parse(Buffer.from(reply.data).toString('utf8')) as { err?: unknown; response?: Res };
    const failed = body.err !== undefined && body.err !== null;
    if (span) endSpan(span, failed ? (body.err as { code?: string }).code ?? 'error' : undefined);
    if (started !== undefined) recordNatsRequest(subject, failed ? 'error' : 'ok', secondsSince(started));
    if (failed) throw RemoteError.from(body.err);
    return body.response as Res;
  }

  /**
   * The request packet. Data JSON cannot encode (nested too deeply for the stack,
   * a cycle, a BigInt) is refused with a clean error rather than an unexpected
   * exception: a 422 at the gateway when the depth came from the caller, else internal.
   */
  private encode(subject: string, data: unknown, requestId: string): string {
    try {
      return JSON.stringify({ pattern: subject, data, id: randomUUID() });
    } catch (err) {
      this.options.logger.warn({ request_id: requestId, subject, err: String(err) }, 'nats request not encodable');
      if (!(err instanceof RangeError)) throw new RemoteError({ code: ErrorCodes.internal, message: 'Internal server error' });
      throw new RemoteError({
        code: ErrorCodes.validationFailed,
        message: 'The request is nested too deeply',
        details: [{ loc: ['body'], msg: 'Nesting is too deep', type: 'value_error' }],
      });
    }
  }

  /** Publishes an event (broadcast) in Nest's event packet format (no id). */
  publish(subject: string, data: unknown, requestId?: string): void {
    const h = natsHeaders();
    if (requestId) h.set(Headers.requestId, requestId);
    if (tracingState.enabled) injectTraceContext(h, contextOf(requestId));
    this.connection.publish(this.subject(subject), Buffer.from(JSON.stringify({ pattern: subject, data })), {
      headers: h,
    });
  }

  /**
   * A plain subscription: every instance of the process sees every message
   * (for broadcasts such as cache invalidations). Pass `queue` to share the load instead.
   */
  subscribe<T>(subject: string, handler: (data: T) => void | Promise<void>, queue?: string): Subscription {
    return this.connection.subscribe(this.subject(subject), {
      queue,
      callback: (err, msg) => {
        if (err) {
          this.options.logger.error({ subject, err: err.message }, 'nats subscription error');
          return;
        }
        let data: T;
        try {
          data = (JSON.parse(Buffer.from(msg.data).toString('utf8')) as { data: T }).data;
        } catch {
          this.options.logger.warn({ subject }, 'dropped a message that is not JSON');
          return;
        }
        // A broadcast with a contract reaches its handler only parsed with the event's schema.
        const contract = contractOf(subject);
        if (contract && contract.kind !== 'request') {
          const parsed = contract.event.safeParse(data);
          if (!parsed.success) {
            this.options.logger.warn({ subject, issues: contractIssues(parsed.error).slice(0, 5) }, 'dropped an event that breaks its contract');
            return;
          }
          data = parsed.data as T;
        }
        Promise.resolve(handler(data)).catch((e: Error) =>
          this.options.logger.error({ subject, err: e.message }, 'event handler failed'),
        );
      },
    });
  }

  async flush(): Promise<void> {
    await this.connection.flush();
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.mux.close();
    if (!this.connection.isClosed()) await this.connection.drain().catch(() => this.connection.close());
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.connection.status()) {
      if (s.type === Events.Disconnect) {
        this.disconnected = true;
        this.options.logger.warn('nats disconnected');
        this.disconnectListeners.forEach((l) => l());
      } else if (s.type === Events.Reconnect) {
        this.disconnected = false;
        recordNatsReconnect();
        this.options.logger.info('nats reconnected');
        this.reconnectListeners.forEach((l) => l());
      }
    }
  }
}
