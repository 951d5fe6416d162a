import { ErrorBody, isErrorBody, requestContract } from '@gatehouse/contracts';
import { RemoteError } from '../errors/rpc-error';
import type { NatsService, RequestOptions } from './nats.service';

/**
 * A request whose answer is held to its contract: the reply is parsed with the
 * subject's reply schema (libs/contracts), and one that does not fit is an
 * error naming where. For tests and tools that speak to a service.
 */
export async function requestChecked<T = unknown>(nats: NatsService, subject: string, data: unknown, opts?: RequestOptions): Promise<T> {
  const contract = requestContract(subject);
  const reply = await nats.request<unknown>(subject, data, opts);
  const parsed = contract.reply.safeParse(reply);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`reply on ${subject} breaks its contract: ${where}`);
  }
  return parsed.data as T;
}

/**
 * Raw bytes to a subject (under the connection's prefix), the reply packet as it
 * came: `{response}` or `{err}`. For probing a service with what a client library
 * would never send.
 */
export async function requestRaw(nats: NatsService, subject: string, payload: Uint8Array | string, timeoutMs = 5_000): Promise<{ response?: unknown; err?: ErrorBody }> {
  const msg = await nats.connection.request(nats.subject(subject), typeof payload === 'string' ? Buffer.from(payload) : payload, { timeout: timeoutMs });
  const packet = JSON.parse(Buffer.from(msg.data).toString('utf8')) as { response?: unknown; err?: unknown };
  if (packet.err !== undefined && !isErrorBody(packet.err)) throw RemoteError.from(packet.err);
  return packet as { response?: unknown; err?: ErrorBody };
}
