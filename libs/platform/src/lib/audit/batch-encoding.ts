import { promisify } from 'node:util';
import { constants, deflate, inflateSync } from 'node:zlib';
import { headers as natsHeaders, MsgHdrs } from 'nats';

/**
 * How an audit batch travels (docs/AUDIT.md, "How it is carried and stored"): its
 * JSON `{"entries":[...]}`, compressed with deflate (RFC 1950, zlib) and marked
 * `Content-Encoding: deflate` when it is worth it; a message without the header is
 * the JSON itself (what small batches, older publishers and hand-published test
 * messages send).
 *
 * Why: nats-server's work for a JetStream message grows with its bytes (receive,
 * store, deliver), and entries of a batch repeat their keys, project and client, so
 * deflate shrinks a batch of `token.issued` entries about 12 times (423 → ~36 bytes
 * an entry) for ~0.7 µs of the publisher's time per entry, spent off its event loop
 * (zlib's thread pool), and ~0.3 µs of the consumer's to inflate. The stream holds
 * a twelfth of the bytes on disk too.
 */
export const AUDIT_ENCODING_HEADER = 'Content-Encoding';
export const AUDIT_DEFLATE = 'deflate';
/** Below this many bytes a batch travels as it is: deflate would save little and cost a round trip to the thread pool. */
export const AUDIT_COMPRESS_MIN_BYTES = 2_048;
/**
 * The most an inflated batch may hold: a publisher's batch is at most ~1 MiB (its byte
 * limit, or one entry near NATS' max_payload), so anything larger is no batch of
 * ours, and inflating stops there (a small message cannot expand into gigabytes).
 */
export const AUDIT_MAX_INFLATED_BYTES = 4 * 1024 * 1024;

const deflateAsync = promisify(deflate);

export interface EncodedBatch {
  data: Uint8Array | string;
  headers?: MsgHdrs;
}

/** A batch's JSON as it is published: deflated (with its header) when at least AUDIT_COMPRESS_MIN_BYTES long. */
export async function encodeAuditBatch(json: Uint8Array | string): Promise<EncodedBatch> {
  if (json.length < AUDIT_COMPRESS_MIN_BYTES) return { data: json };
  const data = await deflateAsync(json, { level: constants.Z_BEST_SPEED });
  const headers = natsHeaders();
  headers.set(AUDIT_ENCODING_HEADER, AUDIT_DEFLATE);
  return { data, headers };
}

/** A message's payload as JSON bytes: inflated when it says deflate. Throws on an unknown encoding, a corrupt stream, or more than AUDIT_MAX_INFLATED_BYTES. */
export function decodeAuditBatch(data: Uint8Array, headers: MsgHdrs | undefined): Uint8Array {
  const encoding = headers?.get(AUDIT_ENCODING_HEADER) ?? '';
  if (encoding === '') return data;
  if (encoding.toLowerCase() !== AUDIT_DEFLATE) throw new Error(`unknown ${AUDIT_ENCODING_HEADER}: ${encoding.slice(0, 40)}`);
  return inflateSync(data, { maxOutputLength: AUDIT_MAX_INFLATED_BYTES });
}

const HEAD = '{"entries":[';
const TAIL = ']}';

/**
 * `{"entries":[...]}` of the entries' JSON, as UTF-8, each part written straight into
 * one Buffer: joining them into one string first and encoding that cost ~10 times
 * as much here (a string of a few hundred KiB is built, then flattened and encoded
 * again), ~3 µs per entry on the token path's publisher.
 */
export function batchBody(parts: readonly string[]): Buffer {
  let size = HEAD.length + TAIL.length + parts.length;
  for (const p of parts) size += Buffer.byteLength(p);
  const out = Buffer.allocUnsafe(size);
  let at = out.write(HEAD, 0, 'latin1');
  for (let i = 0; i < parts.length; i++) {
    if (i) out[at++] = COMMA;
    at += out.write(parts[i], at);
  }
  at += out.write(TAIL, at, 'latin1');
  return out.subarray(0, at);
}

const COMMA = 0x2c;

