/**
 * `npm run test:resilience`: the whole system, two instances of every service,
 * under a steady, bounded load spread by a load balancer that learns of a dead
 * gateway as a real one does (failed connections, health checks), through
 * crashes (kill -9 of one instance of each service, then a restart; audit's is the
 * audit trail's consumer, mid-stream), a graceful NATS restart, a kill -9 of
 * nats-server and a PostgreSQL restart; then the audit trail must hold every
 * acknowledged write exactly once. Clients
 * retry nothing. Prints a table per fault and the pass criteria; exits 1 when
 * one fails.
 *
 * It stops and starts the machine's NATS and PostgreSQL (those of
 * RESILIENCE_NATS_URL and RESILIENCE_POSTGRES_URL): run it alone, never beside
 * other suites. It leaves both running as it found them.
 */
import { randomUUID } from 'node:crypto';
import { Cluster } from './cluster';
import { NatsServerControl, PostgresControl } from './faults';
import { Gateways, LoadDriver, Principals, role } from './load';
import { criteriaTable, evaluate, Fault, faultTable, formatTable, OP_KINDS, Readback } from './report';

const env = {
  postgresUrl: process.env.RESILIENCE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: process.env.RESILIENCE_NATS_URL ?? 'nats://127.0.0.1:4222',
  workers: Number(process.env.RESILIENCE_WORKERS ?? 8),
  pauseMs: Number(process.env.RESILIENCE_PAUSE_MS ?? 10),
  settleMs: Number(process.env.RESILIENCE_SETTLE_MS ?? 3_000),
};
/** How long a fault may take to heal before the run calls it unrecovered. */
const RECOVERY_LIMIT_MS = 30_000;
/** How long NATS and PostgreSQL stay down. */
const OUTAGE_MS = 3_000;
/** How long a killed instance stays dead before its restart. */
const DEAD_MS = 1_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<number> {
  const nats = new NatsServerControl(Number(new URL(env.natsUrl).port || 4222));
  const postgres = new PostgresControl(Number(new URL(env.postgresUrl).port || 5432));
  say(`resilience: PostgreSQL ${postgres.version}/${postgres.cluster} on :${postgres.port}, NATS on :${nats.port}; 2 instances of each service`);
  const cluster = await Cluster.start({ postgresUrl: env.postgresUrl, natsUrl: env.natsUrl, replicas: 2 });
  let failed = true;
  // Stopped from outside (Ctrl-C, a CI timeout) in the middle of an outage: restore NATS and PostgreSQL first.
  const abort = (signal: NodeJS.Signals) => {
    say(`resilience: ${signal}: restoring NATS and PostgreSQL, stopping the services`);
    void Promise.allSettled([nats.ensureRestored(), postgres.ensureRestored()])
      .then(() => cluster.stop(true))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    const [g1, g2] = cluster.gateways();
    const gateways = new Gateways(cluster.gateways(), cluster.ca);
    const principals = await setUp(cluster, gateways, g1.name);
    const driver = new LoadDriver(gateways, principals);
    const faults: Fault[] = [];
    let revocationAnswer: number | undefined;
    let balancerSawKill = false;

    const inject = async (name: string, kind: Fault['kind'], act: () => Promise<void>) => {
      say(`fault: ${name}`);
      const fault: Fault = { name, kind, start: Date.now(), end: 0 };
      await act();
      fault.end = Date.now();
      faults.push(fault);
      fault.recovered = await recovered(driver, fault.end);
      say(`  back after ${((fault.end - fault.start) / 1000).toFixed(1)} s; all operations succeed again ${fault.recovered ? `${fault.recovered - fault.end} ms later` : 'NEVER'}`);
      await sleep(env.settleMs);
    };
    const crash = (instance: string) => async () => {
      await cluster.kill9(instance);
      await sleep(DEAD_MS);
      await cluster.restart(instance);
    };

    driver.start(env.workers, env.pauseMs, 50);
    await inject('none (baseline)', 'none', async () => undefined);
    await inject('kill -9 auth-1', 'instance', crash('auth-1'));
    await inject('kill -9 identity-1', 'instance', crash('identity-1'));
    await inject('kill -9 policy-1', 'instance', crash('policy-1'));
    await inject('kill -9 audit-1 (the audit consumer, mid-stream)', 'instance', crash('audit-1'));
    await inject(`kill -9 ${g2.name}, token revoked meanwhile`, 'instance', async () => {
      const client = { client_id: principals.clientId, client_secret: principals.clientSecret };
      const { access_token: token } = await gateways.expect(200, 'mint', g1.name, 'POST', '/v1/auth/token', { json: { grant_type: 'client_credentials', ...client } });
      // Killed under load with nobody told: the balancer learns it from failed connections and health checks.
      gateways.noteKill(g2.name);
      await cluster.kill9(g2.name);
      gateways.noteKilled(g2.name);
      await gateways.expect(200, 'revoke', g1.name, 'POST', '/v1/auth/revoke', { json: { ...client, token } });
      await sleep(DEAD_MS);
      balancerSawKill = !gateways.isUp(g2.name);
      await cluster.restart(g2.name);
      // Its first answer to the token revoked while it was down.
      revocationAnswer = (await driver.send(g2.name, 'revoked', 'GET', `/v1/entity_users/${principals.userId}`, { token, entityId: principals.entityId }))?.status;
      driver.addRevoked(token);
    });
    await inject('NATS restart', 'outage', async () => {
      await nats.stop();
      await sleep(OUTAGE_MS);
      await nats.start();
    });
    await inject('NATS kill -9', 'outage', async () => {
      await nats.stop('SIGKILL');
      await sleep(OUTAGE_MS);
      await nats.start();
    });
    await inject('PostgreSQL restart', 'outage', async () => {
      await postgres.stop();
      await sleep(OUTAGE_MS);
      await postgres.start();
    });
    await driver.stop();

    const readback = await readBack(driver, gateways, g1.name, principals);
    const criteria = evaluate({ samples: driver.samples, faults, readback, revocationAnswer, balancerSawKill, crashes: cluster.unexpectedExits() });
    say(`\n${driver.samples.length} requests (${env.workers} workers, ${env.pauseMs} ms pause, probes every 50 ms), no client retries\n`);
    say(formatTable(faultTable(driver.samples, faults)));
    say('');
    say(formatTable(criteriaTable(criteria)));
    failed = criteria.some((c) => !c.pass);
    say(`\nresilience: ${failed ? 'FAILED' : 'passed'}${failed ? ` (service logs kept in ${cluster.logDir()})` : ''}`);
    await gateways.close();
  } finally {
    await nats.ensureRestored().catch((err) => say(`could not restore NATS: ${(err as Error).message}`));
    await postgres.ensureRestored().catch((err) => say(`could not restore PostgreSQL: ${(err as Error).message}`));
    await cluster.stop(failed);
  }
  return failed ? 1 : 0;
}

/** A partner, an entity, a user to read, and two entity users: one allowed to read users, one allowed nothing. */
async function setUp(cluster: Cluster, gw: Gateways, g: string): Promise<Principals> {
  const cred = await cluster.partner();
  const token = (await gw.expect(200, 'partner token', g, 'POST', '/v1/auth/token', { json: { grant_type: 'client_credentials', client_id: cred.client_id, client_secret: cred.client_secret } })).access_token;
  const entity = await gw.expect(201, 'entity', g, 'POST', '/v1/entities', { token, json: organization() });
  // Entity users and roles answer 200 on creation, as the reference says.
  const create = (what: string, path: string, json: unknown) => gw.expect(200, what, g, 'POST', path, { token, json, entityId: entity.id });
  const user = await create('user', '/v1/entity_users', { login: `res-${randomUUID()}`, first_name: 'Read' });
  const reader = await create('reader role', '/v1/roles', role('allowed'));
  const nobody = await create('denied role', '/v1/roles', role('not_allowed'));
  const allowed = await create('allowed user', '/v1/entity_users', { login: `res-${randomUUID()}`, first_name: 'Allowed', role_id: reader.id });
  const denied = await create('denied user', '/v1/entity_users', { login: `res-${randomUUID()}`, first_name: 'Denied', role_id: nobody.id });
  const userToken = async (id: string): Promise<string> =>
    (await gw.expect(200, 'entity_user token', g, 'POST', '/v1/auth/token', { json: { grant_type: 'entity_user', client_id: cred.client_id, client_secret: cred.client_secret, entity_user_id: id } })).access_token;
  return {
    clientId: cred.client_id,
    clientSecret: cred.client_secret,
    partnerToken: token,
    entityId: entity.id,
    userId: user.id,
    allowedToken: await userToken(allowed.id),
    deniedToken: await userToken(denied.id),
  };
}

/** Waits until every operation kind has succeeded for a request started after `since`; the time of the last of those firsts. */
async function recovered(driver: LoadDriver, since: number): Promise<number | undefined> {
  const deadline = since + RECOVERY_LIMIT_MS;
  while (Date.now() < deadline) {
    const firsts = OP_KINDS.map((k) => driver.samples.find((s) => s.kind === k && s.start >= since && s.status >= 200 && s.status < 300)?.end);
    if (firsts.every((t) => t !== undefined)) return Math.max(...(firsts as number[]));
    await sleep(50);
  }
  return undefined;
}

/** Every acknowledged write, read back one by one (16 at a time) once the dust has settled. */
async function readBack(driver: LoadDriver, gw: Gateways, g: string, p: Principals): Promise<Readback> {
  const missing: string[] = [];
  let found = 0;
  const queue = [...driver.acked];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let w = queue.shift(); w; w = queue.shift()) {
        const path = w.kind === 'write_user' ? `/v1/entity_users/${w.id}` : `/v1/roles/${w.id}`;
        const { answer } = await gw.send(g, 'read', 'GET', path, { token: p.partnerToken, entityId: p.entityId });
        if (answer?.status === 200 && answer.json?.id === w.id) found++;
        else missing.push(`${w.kind} ${w.id}: ${answer?.status ?? 'no answer'}`);
      }
    }),
  );
  return { acked: driver.acked.length, found, missing, audit: await auditTrail(driver, gw, g, p) };
}

/**
 * The entity's audit trail, read to its end once it has settled: each acknowledged
 * write's response entry (its body holds the created record's id) must be there,
 * and no call (request id) may have two response entries.
 */
async function auditTrail(driver: LoadDriver, gw: Gateways, g: string, p: Principals): Promise<Readback['audit']> {
  const wanted = new Set(driver.acked.map((w) => w.id));
  const since = encodeURIComponent(new Date(Date.now() - 24 * 3600 * 1000).toISOString());
  let best: Readback['audit'] = { found: 0, duplicated: 0 };
  // Entries are stored asynchronously: read again until the count stops short of nothing, for up to 30 s.
  for (let attempt = 0; attempt < 15; attempt++) {
    const found = new Set<string>();
    const responses = new Map<string, number>();
    let token: string | null = null;
    do {
      const query: string = token ? `pagination_token=${encodeURIComponent(token)}` : `type=response&timestamp__gte=${since}`;
      const { answer } = await gw.send(g, 'read', 'GET', `/v1/audit_logs?${query}`, { token: p.partnerToken, entityId: p.entityId });
      if (answer?.status !== 200) break;
      for (const e of answer.json.data as Array<{ request_id: string; status_code: number; body?: { id?: string } }>) {
        responses.set(e.request_id, (responses.get(e.request_id) ?? 0) + 1);
        if (e.status_code >= 200 && e.status_code < 300 && e.body?.id && wanted.has(e.body.id)) found.add(e.body.id);
      }
      token = answer.json.next_pagination_token;
    } while (token);
    best = { found: found.size, duplicated: [...responses.values()].filter((n) => n > 1).length };
    if (best.found === wanted.size) break;
    await sleep(2_000);
  }
  return best;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`resilience: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);

function organization() {
  const n = randomUUID().slice(0, 8);
  return {
    type: 'organization',
    email: `org-${n}@example.com`,
    address: { country: 'DE', city: 'Berlin', postal_code: '10115', line1: 'Unter den Linden 1' },
    organization: { legal_name: `Resilience ${n} GmbH` },
  };
}
