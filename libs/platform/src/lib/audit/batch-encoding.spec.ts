import { deflateSync } from 'node:zlib';
import { headers as natsHeaders } from 'nats';
import { AUDIT_COMPRESS_MIN_BYTES, AUDIT_ENCODING_HEADER, AUDIT_MAX_INFLATED_BYTES, batchBody, decodeAuditBatch, encodeAuditBatch } from './batch-encoding';

const bytes = (data: Uint8Array | string) => (typeof data === 'string' ? new TextEncoder().encode(data) : data);
const withEncoding = (value: string) => {
  const h = natsHeaders();
  h.set(AUDIT_ENCODING_HEADER, value);
  return h;
};
const batchOf = (n: number) =>
  JSON.stringify({ entries: Array.from({ length: n }, (_, i) => ({ id: `0193a0a0-0000-7000-8000-${String(i).padStart(12, '0')}`, type: 'event', kind: 'token.issued', target_service: 'auth', details: { i } })) });

describe('audit batch encoding', () => {
  it('deflates a batch worth it, marks it, and gives back the same JSON', async () => {
    const json = batchOf(200);
    const sent = await encodeAuditBatch(json);
    expect(sent.headers?.get(AUDIT_ENCODING_HEADER)).toBe('deflate');
    expect(sent.data.length).toBeLessThan(json.length / 4);
    expect(new TextDecoder().decode(decodeAuditBatch(bytes(sent.data), sent.headers))).toBe(json);
  });

  it('sends a small batch as it is, without the header, and reads a message without it as it is', async () => {
    const json = batchOf(1);
    expect(json.length).toBeLessThan(AUDIT_COMPRESS_MIN_BYTES);
    const sent = await encodeAuditBatch(json);
    expect(sent).toEqual({ data: json });
    expect(new TextDecoder().decode(decodeAuditBatch(bytes(json), undefined))).toBe(json);
  });

  it('refuses an encoding it does not know, a corrupt stream, and a stream that inflates past the limit', () => {
    const json = bytes(batchOf(50));
    expect(() => decodeAuditBatch(json, withEncoding('br'))).toThrow(/unknown Content-Encoding/);
    expect(() => decodeAuditBatch(json, withEncoding('deflate'))).toThrow();
    const bomb = deflateSync(Buffer.alloc(AUDIT_MAX_INFLATED_BYTES + 1, 0x20));
    expect(bomb.length).toBeLessThan(10_000);
    expect(() => decodeAuditBatch(bomb, withEncoding('deflate'))).toThrow(/buffer|length|range/i);
    // At the limit exactly it inflates.
    expect(decodeAuditBatch(deflateSync(Buffer.alloc(AUDIT_MAX_INFLATED_BYTES, 0x20)), withEncoding('Deflate')).length).toBe(AUDIT_MAX_INFLATED_BYTES);
  });

  it('writes the batch body as the UTF-8 of {"entries":[parts joined by commas]}, whatever the parts hold', () => {
    const samples = ['{"a":1}', '{"note":"é 日本 🚀 \\u0000"}', '{"lone":"\\ud800"}', '{}', JSON.stringify({ s: 'ß'.repeat(300) })];
    for (let n = 0; n <= samples.length; n++) {
      const parts = samples.slice(0, n);
      expect(batchBody(parts).toString('utf8')).toBe(`{"entries":[${parts.join(',')}]}`);
    }
    // Text a JSON.stringify never writes, but a part may hold: raw non-ASCII and astral characters.
    const raw = ['x', 'ü', '🚀🚀', 'a'.repeat(1000) + '€'];
    expect(batchBody(raw).equals(Buffer.from(`{"entries":[${raw.join(',')}]}`))).toBe(true);
  });
});
