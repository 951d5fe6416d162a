import { AckPolicy, DeliverPolicy, JsMsg } from 'nats';
import { identityEventsStream } from '@gatehouse/contracts';
import { Api, partner, TcpProxy } from '@gatehouse/testing';
import { TestSystem } from './support/system';

interface Event {
  subject: string;
  event_id: number;
  record_id: string;
  version: number;
}

/**
 * Identity's change events: written with the change (transactional outbox),
 * relayed to JetStream. The relay's broker connection runs through a proxy the
 * test cuts: changes keep being accepted, and once the link is back every event
 * arrives, once, in order per record.
 */
describe('identity change events (outbox → JetStream)', () => {
  let sys: TestSystem;
  let api: Api;
  let entityId: string;
  const proxy = new TcpProxy('127.0.0.1', 4222);
  const events: Event[] = [];
  let stopConsumer: () => void = () => undefined;

  beforeAll(async () => {
    const port = await proxy.start();
    sys = await TestSystem.start({
      env: { identity: { IDENTITY_RELAY_NATS_URL: `nats://127.0.0.1:${port}`, IDENTITY_RELAY_POLL_MS: '200' } },
    });
    api = new Api(sys, (await partner(sys)).token);
    const nc = (await sys.nats()).connection;
    const stream = identityEventsStream(sys.prefix);
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.add(stream, { durable_name: 'e2e', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const consumer = await nc.jetstream().consumers.get(stream, 'e2e');
    const messages = await consumer.consume();
    stopConsumer = () => messages.stop();
    void (async () => {
      for await (const m of messages as AsyncIterable<JsMsg>) {
        const body = m.json<Event>();
        events.push({ subject: m.subject.slice(sys.prefix.length), event_id: body.event_id, record_id: body.record_id, version: body.version });
        m.ack();
      }
    })();
  });

  afterAll(async () => {
    stopConsumer();
    await sys?.stop();
    await proxy.stop();
  });

  async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('publishes each change with the record version, past-tense subjects', async () => {
    entityId = (await api.entity()).id;
    const u = await api.user(entityId);
    await api.patch(`/v1/entity_users/${u.id}`, { title: 'a' }, entityId);
    await until(() => events.some((e) => e.record_id === u.id && e.version === 2));
    const mine = events.filter((e) => e.record_id === u.id);
    expect(mine.map((e) => [e.subject, e.version])).toEqual([
      ['identity.v1.events.entity_user.created', 1],
      ['identity.v1.events.entity_user.updated', 2],
    ]);
    expect(events.find((e) => e.record_id === entityId)?.subject).toBe('identity.v1.events.entity.created');
  });

  it('loses nothing while the relay is cut off, then delivers every event once, in order per record', async () => {
    await proxy.stop();
    const expected = new Map<string, number>();
    const users = await Promise.all([api.user(entityId), api.user(entityId), api.user(entityId)]);
    for (const u of users) {
      for (let i = 0; i < 4; i++) await api.patch(`/v1/entity_users/${u.id}`, { title: `t${i}` }, entityId);
      expected.set(u.id, 5);
    }
    const role = await api.role(entityId);
    await api.patch(`/v1/roles/${role.id}`, { name: `${role.name}-x` }, entityId);
    expected.set(role.id, 2);
    // Nothing of this reached the stream while cut off.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(events.filter((e) => expected.has(e.record_id))).toEqual([]);

    await proxy.restore();
    await until(() => [...expected].every(([id, v]) => events.some((e) => e.record_id === id && e.version === v)));
    await new Promise((r) => setTimeout(r, 1_000)); // room for duplicates to show up, if there were any

    const ids = events.map((e) => e.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [id, last] of expected) {
      const versions = events.filter((e) => e.record_id === id).map((e) => e.version);
      expect(versions).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    }
    // The stream is in outbox order overall.
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });
});
