import { NatsContext, NatsRecord, ServerNats } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { isObservable } from 'rxjs';
import { ErrorBody, ErrorCodes, Headers } from '@gatehouse/contracts';
import type { NatsService } from './nats.service';

/**
 * Nest's NATS transport on the process's shared connection, with every
 * `@MessagePattern` subscribed under the configured subject prefix and in the
 * service's queue group, so N instances share the load.
 */
export class GatehouseNatsServer extends ServerNats {
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly nats: NatsService,
    private readonly queue: string,
  ) {
    super({ queue });
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
   * filters return as an observable, a NatsRecord, an event or a request without
   * a reply subject takes Nest's own path. A packet that is not a JSON object is
   * refused (Nest's deserializer would throw, and the rejection would end the
   * process: anyone allowed to publish on a subject could stop the service).
   */
  override async handleMessage(channel: string, natsMsg: Msg): Promise<void> {
    const packet = parsePacket(natsMsg.data);
    if (!packet) return this.refuseMalformed(natsMsg);
    const handler = this.getHandlerByPattern(channel);
    if (!handler || !natsMsg.reply || typeof packet.id !== 'string') {
      return super.handleMessage(channel, natsMsg).catch((err: unknown) => this.logger.error(`rpc on ${natsMsg.subject} failed: ${String(err)}`));
    }
    const id = packet.id;
    const ctx = new NatsContext([natsMsg.subject, natsMsg.headers]);
    const result = await handler(packet.data, ctx);
    const publish = (response: object): void => void natsMsg.respond(Buffer.from(JSON.stringify({ ...response, id })));
    if (isObservable(result) || result instanceof NatsRecord) {
      this.send(this.transformToObservable(result), publish);
      return;
    }
    publish({ response: result, isDisposed: true });
  }

  private refuseMalformed(natsMsg: Msg): void {
    const requestId = natsMsg.headers?.get(Headers.requestId) || 'none';
    this.logger.warn(`rpc refused: malformed packet on ${natsMsg.subject} (request_id ${requestId})`);
    if (natsMsg.reply) natsMsg.respond(Buffer.from(JSON.stringify({ err: MALFORMED, isDisposed: true })));
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
