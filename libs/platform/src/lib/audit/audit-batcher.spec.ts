import { randomUUID } from 'node:crypto';
import { createLogger } from '../logging/logger';
import { NatsService } from '../nats/nats.service';
import { AuditBatcher } from './audit-batcher';

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
    const bodies: Array<{ entries: Array<{ id: string; n: number }> }> = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      bodies.push((await jsm.streams.getMessage(stream, { seq })).json());
    }
    return bodies;
  };

  it('publishes entries in batches bounded by count, and what is left at close, each entry once', async () => {
    const batcher = new AuditBatcher(nats, 'audit.v1.events.spec', createLogger('spec', 'silent'), { maxEntries: 500, maxBytes: 1 << 20, maxDelayMs: 10_000 });
    const ids = Array.from({ length: 1_200 }, () => randomUUID());
    ids.forEach((id, n) => batcher.add({ id, n } as { id: string }));
    await batcher.close();
    const bodies = await messages();
    expect(bodies.map((b) => b.entries.length)).toEqual([500, 500, 200]);
    expect(bodies.flatMap((b) => b.entries.map((e) => e.id))).toEqual(ids);
    expect(batcher.failed).toBe(0);
  });
});
