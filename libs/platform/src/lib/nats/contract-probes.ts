import { randomUUID } from 'node:crypto';
import { ErrorCodes } from '@gatehouse/contracts';
import { requestRaw } from './contract-request';
import type { NatsService } from './nats.service';

/**
 * Payloads no caller following the contract would send, for a subject whose
 * valid request is `good`: each is a whole NATS message body. A service must
 * answer every one with `invalid_request` (never crash, never `internal`).
 */
export function hostilePayloads(subject: string, good: unknown): Array<[string, Buffer]> {
  const packet = (data: unknown) => Buffer.from(JSON.stringify({ pattern: subject, data, id: randomUUID() }));
  const out: Array<[string, Buffer]> = [
    ['non-JSON bytes', Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x22])],
    ['an empty message', Buffer.alloc(0)],
    ['a JSON array packet', Buffer.from('[1,2,3]')],
    ['data: a JSON array', packet([good])],
    ['data: a number', packet(42)],
    ['data: a string', packet('x'.repeat(1_000))],
    ['data: an unknown field with a huge string', packet({ ...(isObject(good) ? good : {}), ['k'.repeat(5_000)]: 'x'.repeat(300_000) })],
  ];
  if (isObject(good)) {
    for (const key of Object.keys(good)) {
      const value = good[key];
      out.push([`data.${key}: a wrong type`, packet({ ...good, [key]: typeof value === 'number' ? 'x' : 12345 })]);
      const { [key]: _dropped, ...missing } = good;
      void _dropped;
      // Optional fields may be missing: only required ones make a bad payload; the caller lists which.
      out.push([`data.${key}: missing`, packet(missing)]);
      if (typeof value === 'string') out.push([`data.${key}: a huge string`, packet({ ...good, [key]: 'x'.repeat(200_000) })]);
      if (isObject(value)) out.push([`data.${key}: an array`, packet({ ...good, [key]: [value] })]);
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Sends every hostile payload for `subject` and answers the ones not refused with
 * `invalid_request` (name and reply, shortened): empty when the service held its contract.
 */
export async function hostilePayloadsNotRefused(nats: NatsService, subject: string, good: unknown): Promise<string[]> {
  const wrong: string[] = [];
  for (const [name, payload] of hostilePayloads(subject, good)) {
    const reply = await requestRaw(nats, subject, payload);
    if (reply.err?.code !== ErrorCodes.invalidRequest) wrong.push(`${name}: ${JSON.stringify(reply).slice(0, 200)}`);
  }
  return wrong;
}
