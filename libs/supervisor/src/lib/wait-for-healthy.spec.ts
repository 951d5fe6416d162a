import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ensureLocalSecrets } from './local-secrets';
import { spawnService } from './service-process';
import { ServiceNotHealthyError, waitForHealthy } from './wait-for-healthy';

describe('waitForHealthy', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'gh-health-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const listen = (server: Server, port: number) =>
    new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

  it('resolves once the endpoint answers 200, polling through refusals and 503s', async () => {
    const port = await freePort();
    let calls = 0;
    const server = createServer((_req, res) => {
      calls += 1;
      res.statusCode = calls < 3 ? 503 : 200;
      res.end('{}');
    });
    setTimeout(() => void listen(server, port), 250); // nothing listens at first
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/health/ready`, { timeoutMs: 5_000 });
      expect(calls).toBe(3);
    } finally {
      await close(server);
    }
  });

  it('rejects on timeout with the last answer', async () => {
    const port = await freePort();
    const server = createServer((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    await listen(server, port);
    try {
      await expect(waitForHealthy(`http://127.0.0.1:${port}/health/ready`, { timeoutMs: 400 })).rejects.toThrow(
        /no 200 answer within 400 ms[\s\S]*last answer: HTTP 503/,
      );
    } finally {
      await close(server);
    }
  });

  it('rejects as soon as the process exits, with its recent output', async () => {
    const script = join(dir, 'crash.js');
    writeFileSync(
      script,
      `console.log('booting'); setTimeout(() => { console.error('AUTH_KEY_ENCRYPTION_KEY: is required'); process.exit(78); }, 100);`,
    );
    const port = await freePort();
    const proc = spawnService({ name: 'crashy', script, env: {} });
    const started = Date.now();

    const err = await waitForHealthy(`http://127.0.0.1:${port}/health/ready`, { timeoutMs: 20_000, process: proc }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(ServiceNotHealthyError);
    const e = err as ServiceNotHealthyError;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e.message).toContain('crashy');
    expect(e.message).toContain('exit code 78: configuration error');
    expect(e.message).toContain('booting');
    expect(e.message).toContain('AUTH_KEY_ENCRYPTION_KEY: is required');
    expect(e.exitStatus).toEqual({ code: 78, signal: null });
    expect(e.output).toContain('AUTH_KEY_ENCRYPTION_KEY: is required');
  });

  it('waits for a spawned service that becomes healthy', async () => {
    const script = join(dir, 'healthy.js');
    writeFileSync(
      script,
      `const http = require('node:http');
       setTimeout(() => http.createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1'), 200);
       process.on('SIGTERM', () => process.exit(0));`,
    );
    const port = await freePort();
    const proc = spawnService({ name: 'healthy', script, env: { PORT: String(port) } });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/health`, { timeoutMs: 10_000, process: proc });
    } finally {
      await proc.stop();
    }
  });

  it('checks https against the given CA, or without verification when none is given', async () => {
    const secrets = await ensureLocalSecrets(join(dir, 'data'));
    const cert = readFileSync(secrets.tlsCertFile);
    const server = createHttpsServer({ cert, key: readFileSync(secrets.tlsKeyFile) }, (_req, res) => res.end('ok'));
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    try {
      await waitForHealthy(`https://127.0.0.1:${port}/health/ready`, { timeoutMs: 5_000, ca: cert });
      await waitForHealthy(`https://localhost:${port}/health/ready`, { timeoutMs: 5_000, ca: cert });
      await waitForHealthy(`https://127.0.0.1:${port}/health/ready`, { timeoutMs: 5_000 });
      const other = await ensureLocalSecrets(join(dir, 'other'));
      await expect(
        waitForHealthy(`https://127.0.0.1:${port}/health/ready`, { timeoutMs: 300, ca: readFileSync(other.tlsCertFile) }),
      ).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
