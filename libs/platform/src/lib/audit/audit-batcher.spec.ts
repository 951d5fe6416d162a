import { randomUUID } from 'node:crypto';
import { createLogger } from '../logging/logger';
import { NatsService } from '../nats/nats.service';
import { AuditBatchSchema } from '@gatehouse/contracts';
import { AuditBatcher } from './audit-batcher';
import { AUDIT_ENCODING_HEADER, decodeAuditBatch } from './batch-encoding';
import { projectEventEntry } from './project-event';

/** Against the real broker (NATS_URL, default 127.0.0.1:4222), in a subject namespace and stream of its own. */
describe('AuditBatcher', () => {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const prefix = `b${randomUUID().slice(0, 8)}.`;
  const stream = `${prefix.slice(0, -1)}_AUDIT_SPEC`;
  let nats: NatsService;

  beforeAll(async () => {
    nats = await NatsService.connect({ url, name: 'spec', prefix, requestTimeoutMs: 2_000, logger: createLogger('spec', 'silent') });
    const jsm = await nats.connection.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [nats.subject('audit.v1.events.>')] });
  });
  afterAll(async () => {
    await (await nats.connection.jetstreamManager()).streams.delete(stream).catch(() => undefined);
    await nats.close();
  });

  const messages = async () => {
    const jsm = await nats.connection.jetstreamManager();
    const info = await jsm.streams.info(stream);
    const bodies: Array<{ entries: Array<Record<string, unknown>> }> = [];
    const wireBytes: number[] = [];
    const encodings: Array<string | undefined> = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      bodies.push(JSON.parse(new TextDecoder().decode(decodeAuditBatch(m.data, m.header))));
      wireBytes.push(m.data.length);
      encodings.push(m.header?.get(AUDIT_ENCODING_HEADER) || undefined);
    }
    await jsm.streams.purge(stream);
    return Object.assign(bodies, { wireBytes, encodings });
  };

  it('publishes entries in batches bounded by count, and what is left at close, each entry once', async () => {
    const batcher = new AuditBatcher(nats, 'audit.v1.events.spec', createLogger('spec', 'silent'), { maxEntries: 500, maxBytes: 1 << 20, maxDelayMs: 10_000 });
    const projectId = randomUUID();
    const entries = Array.from({ length: 1_200 }, (_, n) =>
      projectEventEntry({ kind: 'token.issued', projectId, clientId: n % 2 ? randomUUID() : null, service: 'spec', details: { n, note: null } }),
    );
    entries.forEach((e) => batcher.add(e));
    await batcher.close();
    const bodies = await messages();
    expect(bodies.map((b) => b.entries.length)).toEqual([500, 500, 200]);
    expect(bodies.flatMap((b) => b.entries.map((e) => e.id))).toEqual(entries.map((e) => e.id));
    expect(batcher.failed).toBe(0);
    // On the wire, null fields are left out (absent means null); nested nulls stay; the contract reads them back as the entries.
    const wire = bodies.flatMap((b) => b.entries);
    expect(wire.some((e) => 'method' in e || 'entity_id' in e || Object.values(e).includes(null))).toBe(false);
    expect('client_id' in wire[0]).toBe(false);
    expect(wire[0].details).toEqual({ n: 0, note: null });
    for (const body of bodies) expect(AuditBatchSchema.safeParse(body).success).toBe(true);
    // Deflated on the wire: each batch in a fraction of its JSON's bytes.
    expect(bodies.encodings).toEqual(['deflate', 'deflate', 'deflate']);
    bodies.forEach((b, i) => expect(bodies.wireBytes[i]).toBeLessThan(JSON.stringify(b).length / 3));
    const nulled = (e: Record<string, unknown>) => Object.fromEntries(Object.keys(entries[0]).map((k) => [k, e[k] ?? null]));
    expect(wire.map(nulled)).toEqual(entries);
  });

  it('publishes batches in the order they closed, however long each takes to deflate, and a small one as it is', async () => {
    const batcher = new AuditBatcher(nats, 'audit.v1.events.spec', createLogger('spec', 'silent'), { maxEntries: 1_000, maxBytes: 1 << 20, maxDelayMs: 10_000 });
    const projectId = randomUUID();
    // Big, small, big, small: a small batch is ready at once while the big one before it is still being deflated.
    const sizes = [900, 1, 700, 2];
    const sent: string[][] = [];
    for (const size of sizes) {
      const batch = Array.from({ length: size }, (_, n) => projectEventEntry({ kind: 'token.issued', projectId, service: 'spec', details: { n } }));
      batch.forEach((e) => batcher.add(e));
      batcher.flush();
      sent.push(batch.map((e) => e.id));
    }
    await batcher.close();
    const bodies = await messages();
    expect(bodies.map((b) => b.entries.map((e) => e.id))).toEqual(sent);
    expect(bodies.encodings).toEqual(['deflate', undefined, 'deflate', undefined]);
    expect(batcher.failed).toBe(0);
  });
});
