import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import pino from 'pino';
import { z } from 'zod';
import { ErrorCodes } from '@gatehouse/contracts';
import { RemoteError } from '../errors/rpc-error';
import { GatehouseNatsServer, RequestCheck } from './gatehouse-nats.server';
import { NatsService } from './nats.service';

/** The spec's own subjects and their request schemas (a service's come from the contracts' subject table). */
const SPEC_CONTRACTS: Record<string, RequestCheck> = {
  'echo.v1.echo': { schema: z.unknown() },
  'echo.v1.typed': { schema: z.strictObject({ name: z.string().max(10).transform((s) => s.toUpperCase()), tags: z.array(z.string()).optional() }) },
  // A precompiled check that accepts only {n: 1}; the schema's transform shows which path a value took.
  'echo.v1.fast': {
    schema: z.strictObject({ n: z.number().transform((n) => n * 10) }),
    accepts: (d) => typeof d === 'object' && d !== null && Object.keys(d).length === 1 && (d as { n?: unknown }).n === 1,
  },
};
const seenByTyped: unknown[] = [];

@Controller()
class EchoController {
  @MessagePattern('echo.v1.typed')
  typed(@Payload() data: unknown): unknown {
    seenByTyped.push(data);
    return { got: data };
  }

  @MessagePattern('echo.v1.fast')
  fast(@Payload() data: unknown): unknown {
    return { got: data };
  }

  @MessagePattern('echo.v1.echo')
  echo(@Payload() data: unknown): unknown {
    return { echoed: data };
  }
}

/** The Nest NATS transport on the real broker (NATS_URL, default 127.0.0.1:4222). */
describe('GatehouseNatsServer (real NATS)', () => {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const prefix = `spec${randomUUID().slice(0, 8)}.`;
  const silent = pino({ level: 'silent' });
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  let server: NatsService;
  let caller: NatsService;
  let app: INestMicroservice;

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    server = await NatsService.connect({ url, name: 'spec-server', prefix, requestTimeoutMs: 2_000, logger: silent });
    caller = await NatsService.connect({ url, name: 'spec-caller', prefix, requestTimeoutMs: 2_000, logger: silent });
    @Module({ controllers: [EchoController] })
    class EchoModule {}
    app = await NestFactory.createMicroservice(EchoModule, { strategy: new GatehouseNatsServer(server, 'spec', (subject) => SPEC_CONTRACTS[subject]), logger: false });
    await app.listen();
    await server.flush();
  });

  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await app?.close();
    await caller?.close();
    await server?.close();
  });

  it('answers a request with the value, in Nest packet format', async () => {
    expect(await caller.request('echo.v1.echo', { a: 1 })).toEqual({ echoed: { a: 1 } });
    expect(await caller.request('echo.v1.echo', null)).toEqual({ echoed: null });
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['empty', ''],
    ['JSON but not an object', '[1,2,3]'],
    ['JSON null', 'null'],
    ['bad UTF-8', Buffer.from([0xff, 0xfe, 0x7b])],
  ])('refuses a malformed packet (%s) with invalid_request, and stays up', async (_name, payload) => {
    const reply = await caller.connection.request(`${prefix}echo.v1.echo`, typeof payload === 'string' ? Buffer.from(payload) : payload, { timeout: 2_000 });
    expect(JSON.parse(Buffer.from(reply.data).toString())).toEqual({
      err: { code: ErrorCodes.invalidRequest, message: 'Malformed request packet' },
      isDisposed: true,
    });
    // A malformed packet without a reply subject is dropped; the next request is answered.
    caller.connection.publish(`${prefix}echo.v1.echo`, typeof payload === 'string' ? Buffer.from(payload) : payload);
    expect(await caller.request('echo.v1.echo', 'still here')).toEqual({ echoed: 'still here' });
    await new Promise((r) => setImmediate(r));
    expect(rejections).toEqual([]);
  });

  it('passes a request with no id to Nest (an event: no answer), without a rejection', async () => {
    caller.connection.publish(`${prefix}echo.v1.echo`, Buffer.from(JSON.stringify({ pattern: 'echo.v1.echo', data: 1 })));
    const err = await caller.connection
      .request(`${prefix}echo.v1.echo`, Buffer.from(JSON.stringify({ pattern: 'echo.v1.echo', data: 1 })), { timeout: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await caller.request('echo.v1.echo', 2)).toEqual({ echoed: 2 });
    expect(rejections).toEqual([]);
  });

  it('still answers an unknown caller error path as a RemoteError (unknown subject → no responders)', async () => {
    await expect(caller.request('echo.v1.nope', {})).rejects.toBeInstanceOf(RemoteError);
  });

  it('hands the handler the parsed value (transforms applied), never the raw one', async () => {
    expect(await caller.request('echo.v1.typed', { name: 'ada' })).toEqual({ got: { name: 'ADA' } });
    expect(seenByTyped).toEqual([{ name: 'ADA' }]);
  });

  it.each([
    ['wrong type', { name: 5 }, ['name']],
    ['missing field', {}, ['name']],
    ['unknown field', { name: 'a', extra: 'x'.repeat(100_000) }, []],
    ['too long', { name: 'x'.repeat(11) }, ['name']],
    ['nested wrong type', { name: 'a', tags: [1] }, ['tags', 0]],
    ['an array', [1, 2], []],
    ['null', null, []],
  ])('refuses data its schema refuses (%s): invalid_request with located issues, and no handler runs', async (_name, data, path) => {
    const before = seenByTyped.length;
    const err = await caller.request('echo.v1.typed', data).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    const body = (err as RemoteError).body;
    expect(body.code).toBe(ErrorCodes.invalidRequest);
    expect(body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]));
    expect(JSON.stringify(body).length).toBeLessThan(2_000);
    expect(seenByTyped.length).toBe(before);
    expect(await caller.request('echo.v1.typed', { name: 'ok' })).toEqual({ got: { name: 'OK' } });
  });

  it("skips the parse only for what the subject's precompiled check accepts; the schema decides the rest", async () => {
    expect(await caller.request('echo.v1.fast', { n: 1 })).toEqual({ got: { n: 1 } });
    expect(await caller.request('echo.v1.fast', { n: 2 })).toEqual({ got: { n: 20 } });
    const err = await caller.request('echo.v1.fast', { n: 'one' }).catch((e: unknown) => e);
    expect((err as RemoteError).body).toEqual(expect.objectContaining({ code: ErrorCodes.invalidRequest, details: [expect.objectContaining({ path: ['n'] })] }));
  });

  it('refuses to serve a subject that has no request contract', async () => {
    @Controller()
    class Unchecked {
      @MessagePattern('echo.v1.unchecked')
      any(@Payload() data: unknown): unknown {
        return data;
      }
    }
    @Module({ controllers: [Unchecked] })
    class UncheckedModule {}
    const other = await NestFactory.createMicroservice(UncheckedModule, { strategy: new GatehouseNatsServer(server, 'spec', (s) => SPEC_CONTRACTS[s]), logger: false });
    await expect(other.listen()).rejects.toThrow(/echo\.v1\.unchecked has no request contract/);
    await other.close().catch(() => undefined);
  });
});
