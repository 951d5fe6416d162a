import { randomUUID } from 'node:crypto';
import { connect, NatsConnection } from 'nats';
import { RequestMux } from './request-mux';

/** Against the real broker (NATS_URL, default 127.0.0.1:4222), each test on subjects of its own. */
describe('RequestMux (real NATS)', () => {
  const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  let nc: NatsConnection;
  let mux: RequestMux;
  const subject = () => `spec${randomUUID().slice(0, 8)}.echo`;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** A subject of its own whose one subscriber answers with `answer`, or never. */
  const responder = async (answer: 'echo' | 'never'): Promise<string> => {
    const s = subject();
    nc.subscribe(s, { callback: (_err, msg) => (answer === 'echo' ? msg.respond(msg.data) : undefined) });
    await nc.flush();
    return s;
  };

  beforeAll(async () => {
    nc = await connect({ servers });
  });
  beforeEach(() => {
    mux = new RequestMux(nc);
  });
  afterEach(() => mux.close());
  afterAll(() => nc.close());

  it('schedules no deadline sweep while nothing is pending (an idle process is not woken)', async () => {
    expect(mux.sweeping).toBe(false);
    await sleep(120);
    expect(mux.sweeping).toBe(false);
  });

  it('sweeps while a request is pending, and stops at the first sweep after the last answer', async () => {
    const s = await responder('echo');
    const asked = mux.request(s, Buffer.from('ping'), undefined, 2_000);
    expect(mux.sweeping).toBe(true);
    expect(Buffer.from((await asked).data).toString()).toBe('ping');
    await sleep(120);
    expect(mux.sweeping).toBe(false);
  });

  it('still times a request out after an idle spell (the sweep starts again)', async () => {
    const s = await responder('never');
    await sleep(120);
    const started = Date.now();
    await expect(mux.request(s, Buffer.from('x'), undefined, 100)).rejects.toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
    await sleep(120);
    expect(mux.sweeping).toBe(false);
  });

  it('rejects what is pending when closed, and sweeps no more', async () => {
    const s = await responder('never');
    const asked = mux.request(s, Buffer.from('x'), undefined, 5_000);
    mux.close();
    await expect(asked).rejects.toBe('closed');
    expect(mux.sweeping).toBe(false);
  });
});
