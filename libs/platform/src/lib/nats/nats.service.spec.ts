import { randomUUID } from 'node:crypto';
import { AuthEvents, ErrorCodes } from '@gatehouse/contracts';
import { createLogger } from '../logging/logger';
import { RemoteError } from '../errors/rpc-error';
import { NatsService } from './nats.service';

/** Against the real broker (NATS_URL, default 127.0.0.1:4222), each test in a subject namespace of its own. */
describe('NatsService (real NATS)', () => {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const logger = createLogger('test', 'silent');
  const open: NatsService[] = [];
  const connect = async (prefix: string) => {
    const n = await NatsService.connect({ url, name: 'spec', prefix, requestTimeoutMs: 500, logger });
    open.push(n);
    return n;
  };
  afterAll(() => Promise.all(open.map((n) => n.close())));

  it('speaks Nest request/reply packets under its prefix, with the request id in a header', async () => {
    const prefix = `spec${randomUUID().slice(0, 8)}.`;
    const caller = await connect(prefix);
    const callee = await connect(prefix);
    const seen: Array<{ data: unknown; requestId?: string }> = [];
    callee.connection.subscribe(`${prefix}demo.v1.echo`, {
      callback: (_err, msg) => {
        const packet = JSON.parse(Buffer.from(msg.data).toString());
        seen.push({ data: packet.data, requestId: msg.headers?.get('x-request-id') });
        msg.respond(Buffer.from(JSON.stringify({ id: packet.id, response: { echoed: packet.data }, isDisposed: true })));
      },
    });
    await callee.flush();
    await expect(caller.request('demo.v1.echo', { a: 1 }, { requestId: 'rid-7' })).resolves.toEqual({ echoed: { a: 1 } });
    expect(seen).toEqual([{ data: { a: 1 }, requestId: 'rid-7' }]);
  });

  it('raises the callee error body as a RemoteError', async () => {
    const prefix = `spec${randomUUID().slice(0, 8)}.`;
    const caller = await connect(prefix);
    const callee = await connect(prefix);
    callee.connection.subscribe(`${prefix}demo.v1.fail`, {
      callback: (_e, msg) => {
        const { id } = JSON.parse(Buffer.from(msg.data).toString());
        msg.respond(Buffer.from(JSON.stringify({ id, err: { code: 'conflict', message: 'taken' }, isDisposed: true })));
      },
    });
    await callee.flush();
    const err = await caller.request<never>('demo.v1.fail', {}).catch((e: unknown) => e as RemoteError);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.body).toEqual({ code: 'conflict', message: 'taken' });
  });

  it('answers "unavailable" when nobody serves the subject', async () => {
    const caller = await connect(`spec${randomUUID().slice(0, 8)}.`);
    const err = await caller.request<never>('demo.v1.nobody', {}).catch((e: unknown) => e as RemoteError);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.code).toBe(ErrorCodes.unavailable);
  });

  it('refuses data JSON cannot encode with a clean RemoteError, sending nothing', async () => {
    const prefix = `spec${randomUUID().slice(0, 8)}.`;
    const caller = await connect(prefix);
    const callee = await connect(prefix);
    let received = 0;
    callee.connection.subscribe(`${prefix}demo.v1.echo`, { callback: () => received++ });
    await callee.flush();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const tooDeep = await caller.request<never>('demo.v1.echo', deep).catch((e: unknown) => e as RemoteError);
    expect(tooDeep).toBeInstanceOf(RemoteError);
    expect(tooDeep.body).toMatchObject({ code: ErrorCodes.validationFailed, details: [{ loc: ['body'], type: 'value_error' }] });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const cycle = await caller.request<never>('demo.v1.echo', cyclic).catch((e: unknown) => e as RemoteError);
    expect(cycle).toBeInstanceOf(RemoteError);
    expect(cycle.code).toBe(ErrorCodes.internal);
    await caller.flush();
    expect(received).toBe(0);
  });

  it('keeps namespaces apart: another prefix never answers', async () => {
    const a = await connect(`specA${randomUUID().slice(0, 8)}.`);
    const b = await connect(`specB${randomUUID().slice(0, 8)}.`);
    b.connection.subscribe(`${b.prefix}demo.v1.echo`, { callback: (_e, msg) => msg.respond(Buffer.from('{}')) });
    await b.flush();
    expect(((await a.request("demo.v1.echo", {}).catch((e: unknown) => e)) as RemoteError).code).toBe(ErrorCodes.unavailable);
  });

  it('delivers a broadcast to every plain subscriber', async () => {
    const prefix = `spec${randomUUID().slice(0, 8)}.`;
    const pub = await connect(prefix);
    const s1 = await connect(prefix);
    const s2 = await connect(prefix);
    const got: string[] = [];
    const both = new Promise<void>((resolve) => {
      const on = (who: string) => (d: { n: number }) => {
        got.push(`${who}:${d.n}`);
        if (got.length === 2) resolve();
      };
      s1.subscribe('demo.v1.events.thing.happened', on('s1'));
      s2.subscribe('demo.v1.events.thing.happened', on('s2'));
    });
    await s1.flush();
    await s2.flush();
    pub.publish('demo.v1.events.thing.happened', { n: 1 });
    await both;
    expect(got.sort()).toEqual(['s1:1', 's2:1']);
  });

  it('hands a subscriber only events that keep their contract (auth.v1.events.settings.updated)', async () => {
    const prefix = `spec${randomUUID().slice(0, 8)}.`;
    const publisher = await connect(prefix);
    const listener = await connect(prefix);
    const seen: unknown[] = [];
    listener.subscribe(AuthEvents.settingsUpdated, (e) => void seen.push(e));
    await listener.flush();
    publisher.publish(AuthEvents.settingsUpdated, { project_id: 5 });
    publisher.publish(AuthEvents.settingsUpdated, 'garbage');
    publisher.publish(AuthEvents.settingsUpdated, { project_id: 'p1' });
    await publisher.flush();
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([{ project_id: 'p1' }]);
  });
});
