import { generateKeyPairSync } from 'node:crypto';
import type { Logger } from 'pino';
import type { NatsService } from '@gatehouse/platform';
import { JwksService } from './jwks.service';

/** A NATS whose jwks.get answers with what `answers` says next: an Error is a failure. */
function fakeNats(answers: Array<Error | object>) {
  const handlers: { reconnect?: () => void; rotated?: () => void } = {};
  const nats = {
    request: jest.fn(async () => {
      const next = answers.shift() ?? new Error('no answer scripted');
      if (next instanceof Error) throw next;
      return next;
    }),
    subscribe: jest.fn((_subject: string, handler: () => void) => (handlers.rotated = handler)),
    onReconnect: jest.fn((handler: () => void) => (handlers.reconnect = handler)),
  };
  return { nats: nats as unknown as NatsService, handlers };
}

function logger() {
  return { warn: jest.fn(), info: jest.fn(), error: jest.fn() };
}

const jwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' };

describe('JwksService: a failed refresh', () => {
  it('is logged at warn once per failure episode, then once more after a success ends it', async () => {
    const timeout = new Error('TIMEOUT');
    const { nats } = fakeNats([timeout, timeout, timeout, { keys: [jwk] }, timeout]);
    const log = logger();
    const jwks = new JwksService(nats, log as unknown as Logger);

    for (let i = 0; i < 3; i++) await expect(jwks.refresh()).rejects.toThrow('TIMEOUT');
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith({ reason: 'TIMEOUT' }, expect.stringContaining('JWKS refresh'));

    await jwks.refresh();
    expect(jwks.get('k1')).toBeDefined();
    expect(log.info).toHaveBeenCalledTimes(1);

    await expect(jwks.refresh()).rejects.toThrow('TIMEOUT');
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(jwks.get('k1')).toBeDefined(); // the keys we had are kept
  });

  it('is logged, not thrown, when a rotation or a reconnect triggers it', async () => {
    const { nats, handlers } = fakeNats([new Error('503 no responders'), new Error('503 no responders')]);
    const log = logger();
    const jwks = new JwksService(nats, log as unknown as Logger);
    jwks.onModuleInit();
    expect(handlers.rotated && handlers.reconnect).toBeDefined();
    handlers.rotated?.();
    await new Promise((r) => setImmediate(r));
    handlers.reconnect?.();
    await new Promise((r) => setImmediate(r));
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('on an unknown kid logs the failure without the kid the request named', async () => {
    const { nats } = fakeNats([new Error('TIMEOUT')]);
    const log = logger();
    const jwks = new JwksService(nats, log as unknown as Logger);
    const forged = 'eyJhbGciOiJFUzI1NiJ9-forged-kid';
    await expect(jwks.resolve(forged)).resolves.toBeUndefined();
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(log.warn.mock.calls)).not.toContain(forged);
  });
});
