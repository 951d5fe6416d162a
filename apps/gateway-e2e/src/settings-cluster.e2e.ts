import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, NatsConnection } from 'nats';
import { AuthEvents } from '@gatehouse/contracts';
import { freePort } from '@gatehouse/supervisor';
import { HttpClient, natsServerBinary } from '@gatehouse/testing';
import { TestSystem } from './support/system';

/** A cluster of three nats-servers with routes on loopback, JetStream on each, in a temp folder removed at stop. */
class NatsCluster {
  private constructor(
    readonly urls: string[],
    private readonly monitors: string[],
    private readonly procs: ChildProcess[],
    private readonly dir: string,
  ) {}

  static async start(size = 3): Promise<NatsCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-nats-cluster-'));
    const nodes = [];
    for (let i = 0; i < size; i++) nodes.push({ port: await freePort(), http: await freePort(), route: await freePort() });
    const procs = nodes.map((n, i) => {
      const config = join(dir, `n${i}.conf`);
      const routes = nodes.filter((_, j) => j !== i).map((o) => `"nats-route://127.0.0.1:${o.route}"`);
      writeFileSync(
        config,
        [
          `server_name: n${i}`,
          `listen: "127.0.0.1:${n.port}"`,
          `http: "127.0.0.1:${n.http}"`,
          `jetstream { store_dir: "${join(dir, `store${i}`)}" }`,
          `cluster { name: gatehouse, listen: "127.0.0.1:${n.route}", routes: [${routes.join(', ')}] }`,
        ].join('\n'),
      );
      return spawn(natsServerBinary(), ['-c', config], { stdio: 'ignore' });
    });
    const cluster = new NatsCluster(
      nodes.map((n) => `nats://127.0.0.1:${n.port}`),
      nodes.map((n) => `http://127.0.0.1:${n.http}`),
      procs,
      dir,
    );
    try {
      await cluster.waitReady();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Every node healthy (JetStream meta group formed) and routed to the others. */
  private async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ready = async (m: string) => {
      const health = await fetch(`${m}/healthz`).then((r) => r.ok, () => false);
      const routez = await fetch(`${m}/routez`).then((r) => r.json(), () => ({ num_routes: 0 }));
      return health && routez.num_routes >= this.urls.length - 1;
    };
    while (Date.now() < deadline) {
      if ((await Promise.all(this.monitors.map(ready))).every(Boolean)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('NATS cluster not ready');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGTERM');
            setTimeout(() => p.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const TRIALS = 40;

/**
 * A settings change with a cluster of three NATS servers: auth instances on two of
 * them, a gateway on each of two others. The broadcast that drops the other auth
 * instance's cached settings crosses a route while the PATCH's answer travels to the
 * client; the test measures how far behind the broadcast is (from the moment the
 * client has the answer) and whether a token minted right after the change, through
 * another gateway, ever carries the old lifetime.
 */
describe('settings propagation with a cluster of NATS servers', () => {
  let cluster: NatsCluster;
  let sys: TestSystem;
  let listeners: NatsConnection[] = [];
  let other: HttpClient;

  beforeAll(async () => {
    cluster = await NatsCluster.start();
    const [a, b, c] = cluster.urls;
    sys = await TestSystem.start({ nats: { url: c }, env: { auth: { NATS_URL: a } } });
    await sys.startService('auth', 'auth-2', { NATS_URL: b, AUTH_HTTP_PORT: String(await freePort()) });
    // A second gateway, on server b: PATCH at one gateway, mint at the other.
    const port = await freePort();
    await sys.startService('gateway', 'gateway-b', { NATS_URL: b, GATEWAY_PORT: String(port) });
    other = new HttpClient(`https://localhost:${port}`, { ca: sys.ca });
    listeners = await Promise.all([a, b].map((url) => connect({ servers: url, name: 'e2e-listener' })));
  }, 90_000);

  afterAll(async () => {
    for (const l of listeners) await l.close().catch(() => undefined);
    await other?.close();
    await sys?.stop();
    await cluster?.stop();
  });

  it('every auth instance has the change before the caller can use it (measured)', async () => {
    const cred = await sys.createPartner();
    const token = await sys.partnerToken(cred);
    const subject = `${sys.prefix}${AuthEvents.settingsUpdated}`;
    // When each server's subscriber (one next to each auth instance) heard the broadcast.
    const heard: Array<Map<number, number>> = listeners.map(() => new Map());
    let trial = 0;
    listeners.forEach((nc, i) => nc.subscribe(subject, { callback: () => heard[i].set(trial, performance.now()) }));
    for (const nc of listeners) await nc.flush();

    const lags: number[] = [];
    let stale = 0;
    for (trial = 0; trial < TRIALS; trial++) {
      const ttl = 600 + trial;
      const patched = await sys.http.patch('/v1/settings', { token, json: { access_token_ttl: ttl } });
      const answeredAt = performance.now();
      expect(patched.status).toBe(200);
      // At once, through the other gateway (either auth instance may mint).
      const minted = await Promise.all(
        [0, 1, 2, 3].map(() => other.post('/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret } })),
      );
      stale += minted.filter((m) => m.json?.expires_in !== ttl).length;
      for (let i = 0; i < 100 && !heard.every((h) => h.has(trial)); i++) await new Promise((r) => setTimeout(r, 10));
      for (const h of heard) lags.push((h.get(trial) ?? Infinity) - answeredAt);
    }
    lags.sort((x, y) => x - y);
    const figure = { trials: TRIALS, stale_mints: stale, worst_lag_ms: Number(lags[lags.length - 1].toFixed(2)), median_lag_ms: Number(lags[lags.length >> 1].toFixed(2)) };
    if (process.env.E2E_REPORT) process.stdout.write(`settings propagation, 3 NATS servers: ${JSON.stringify(figure)}\n`);
    // A negative lag: the broadcast was there before the client had the answer.
    expect(stale).toBe(0);
    expect(figure.worst_lag_ms).toBeLessThan(50);
  });
});
