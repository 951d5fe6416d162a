import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSystem } from './local-system';
import type { ServiceName, ServiceSpec } from './services';

/** A stand-in service: answers /health/ready, and /env with its environment. */
const STAND_IN = `
const http = require('node:http');
const port = Number(process.env[process.env.STANDIN_PORT_VAR]);
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(req.url === '/env' ? JSON.stringify(process.env) : '{}');
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

describe('LocalSystem (stand-in services from a table of its own)', () => {
  let dir: string;
  let system: LocalSystem | undefined;

  const row = (name: ServiceName, portVar: string, replicas: number): ServiceSpec<ServiceName> => ({
    name,
    script: join(dir, 'stand-in.js'),
    health: { scheme: 'http', hostVar: 'UNUSED_HOST', defaultHost: '127.0.0.1', portVar, defaultPort: 1, path: '/health/ready' },
    env: { STANDIN_PORT_VAR: portVar, SECRET: '{kek}', ISSUER: '{publicUrl}' },
    replicas,
  });

  const envOf = async (system: LocalSystem, name: string): Promise<Record<string, string>> =>
    (await fetch(system.instance(name).healthUrl.replace('/health/ready', '/env'))).json() as Promise<Record<string, string>>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gh-local-system-'));
    writeFileSync(join(dir, 'stand-in.js'), STAND_IN);
  });
  afterEach(async () => {
    await system?.stop();
    system = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = () =>
    LocalSystem.start({
      tag: 'unit',
      // A broker "of the caller's own": nothing to drop at stop, none needed.
      broker: { url: 'nats://127.0.0.1:1' },
      table: [row('auth', 'AUTH_HTTP_PORT', 1), row('policy', 'POLICY_HTTP_PORT', 2)],
      replicas: { auth: 1 },
      env: { LOG_LEVEL: 'warn' },
      serviceEnv: { policy: { EXTRA: 'yes' } },
    });

  it("starts every row in order with its replicas, each on a port of its own, with the table's, the run's and the caller's variables", async () => {
    system = await start();
    expect(system.instances().map((i) => i.name)).toEqual(['auth', 'policy-1', 'policy-2']);
    const ports = system.instances().map((i) => i.env[i.service === 'auth' ? 'AUTH_HTTP_PORT' : 'POLICY_HTTP_PORT']);
    expect(new Set(ports).size).toBe(3);

    const auth = await envOf(system, 'auth');
    expect(auth.SECRET).toBe(system.secrets.kek);
    expect(auth.ISSUER).toBe('https://localhost:8443');
    expect(auth.NATS_URL).toBe('nats://127.0.0.1:1');
    expect(auth.NATS_SUBJECT_PREFIX).toBe(`unit${system.runId}.`);
    expect(auth.LOG_LEVEL).toBe('warn');
    expect(auth.EXTRA).toBeUndefined();
    expect((await envOf(system, 'policy-2')).EXTRA).toBe('yes');
  });

  it('restarts a killed instance with the environment it had, adds one on a free port, and leaves no temp dir behind', async () => {
    system = await start();
    const before = system.instance('policy-1').env;
    await system.kill9('policy-1');
    expect(system.instance('policy-1').proc).toBeUndefined();
    await system.start('policy-1');
    expect(system.instance('policy-1').env).toEqual(before);
    expect((await envOf(system, 'policy-1')).POLICY_HTTP_PORT).toBe(before.POLICY_HTTP_PORT);

    await system.start('policy-3', 'policy');
    expect(system.instance('policy-3').env.POLICY_HTTP_PORT).not.toBe(before.POLICY_HTTP_PORT);
    expect(system.processes()).toHaveLength(4);

    const tmp = system.dir;
    await system.stop();
    system = undefined;
    expect(existsSync(tmp)).toBe(false);
  });
});
