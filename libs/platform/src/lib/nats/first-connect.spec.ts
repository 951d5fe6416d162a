import { ChildProcess, spawn } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import pino from 'pino';
import { ConfigMismatchError } from '../config/load-config';
import { freePort } from '../test-support/free-port';
import { describeServers, firstConnect } from './first-connect';

const silent = pino({ level: 'silent' });

async function listening(port: number, deadline = Date.now() + 10_000): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = tcpConnect(port, '127.0.0.1', () => (c.end(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('firstConnect (a real nats-server with users)', () => {
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '--user', 'svc', '--pass', 'right-password'], { stdio: 'ignore' });
    await listening(port);
  });

  afterAll(() => {
    server.kill('SIGKILL');
  });

  it('connects with the right credentials', async () => {
    const nc = await firstConnect({ servers: `nats://127.0.0.1:${port}`, user: 'svc', pass: 'right-password' }, { variable: 'NATS_URL', timeoutMs: 2_000, logger: silent });
    expect(nc.isClosed()).toBe(false);
    await nc.close();
  });

  it('refuses wrong credentials at once, in one line that names the user and the variables, never the password', async () => {
    const started = Date.now();
    const err = await firstConnect(
      { servers: `nats://127.0.0.1:${port}`, user: 'svc', pass: 'wrong-password' },
      { variable: 'NATS_URL', timeoutMs: 20_000, logger: silent },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigMismatchError);
    const message = (err as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain('"svc"');
    expect(message).toContain('NATS_PASSWORD');
    expect(message).not.toContain('wrong-password');
    expect(message).not.toContain('\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('waits for an absent broker until its deadline, then fails with one line naming the address and the variable', async () => {
    const absent = await freePort();
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const err = await firstConnect({ servers: `nats://user:secret@127.0.0.1:${absent}` }, { variable: 'NATS_URL', timeoutMs: 600, logger }).catch(
      (e: unknown) => e,
    );
    const message = (err as Error).message;
    expect(message).toMatch(new RegExp(`^cannot reach NATS at 127\\.0\\.0\\.1:${absent} \\(NATS_URL\\) after \\d+ s`));
    expect(message).not.toContain('secret');
    expect(warnings.join('')).toContain(`waiting for NATS at 127.0.0.1:${absent}`);
  });
});

describe('describeServers', () => {
  it('keeps host and port, drops credentials', () => {
    expect(describeServers('nats://a:b@h1:4223,h2')).toBe('h1:4223,h2:4222');
  });
});
