import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Controller, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import pino from 'pino';
import { z } from 'zod';
import { ErrorCodes } from '@gatehouse/contracts';
import { RemoteError, RpcError } from '../errors/rpc-error';
import { GatehouseNatsServer } from '../nats/gatehouse-nats.server';
import { NatsService } from '../nats/nats.service';
import { LOGGER, PinoNestLogger } from './logger';
import { RpcLoggingFilter } from './rpc-logging.filter';

/** The demo subjects' request contract: any object (these tests are about what a handler's failure becomes). */
const DEMO_CONTRACT = z.looseObject({});

@Controller()
@UseFilters(RpcLoggingFilter)
class DemoController {
  @MessagePattern('demo.v1.fail')
  fail(): never {
    throw new Error('boom');
  }

  @MessagePattern('demo.v1.refuse')
  refuse(): never {
    throw new RpcError(ErrorCodes.conflict, 'taken');
  }

  @MessagePattern('demo.v1.pass-on')
  passOn(): never {
    throw new RemoteError({ code: ErrorCodes.unavailable, message: 'Service temporarily unavailable' });
  }

  @MessagePattern('demo.v1.outage')
  outage(): never {
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  }

  @MessagePattern('demo.v1.database')
  database(): never {
    throw Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
  }
}

/** A Nest microservice on the real broker (NATS_URL, default 127.0.0.1:4222), its log lines captured. */
describe('RpcLoggingFilter (real NATS)', () => {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const prefix = `spec${randomUUID().slice(0, 8)}.`;
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info', formatters: { level: (label) => ({ level: label }) } },
    new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }),
  );
  let server: NatsService;
  let caller: NatsService;
  let app: INestMicroservice;

  beforeAll(async () => {
    const silent = pino({ level: 'silent' });
    server = await NatsService.connect({ url, name: 'spec-server', prefix, requestTimeoutMs: 2_000, logger: silent });
    caller = await NatsService.connect({ url, name: 'spec-caller', prefix, requestTimeoutMs: 2_000, logger: silent });
    @Module({ controllers: [DemoController], providers: [{ provide: LOGGER, useValue: logger }] })
    class DemoModule {}
    app = await NestFactory.createMicroservice(DemoModule, { strategy: new GatehouseNatsServer(server, 'spec', (subject) => (subject.startsWith('demo.v1.') ? { schema: DEMO_CONTRACT } : undefined)), logger: new PinoNestLogger(logger) });
    await app.listen();
    await server.flush();
  });

  afterAll(async () => {
    await app?.close();
    await caller?.close();
    await server?.close();
  });

  const linesOf = (requestId: string) => lines.filter((l) => l['request_id'] === requestId);

  it('logs a failed request once, at error, with the caller\'s request id and the error (no line without it)', async () => {
    const before = lines.length;
    const err = await caller.request<never>('demo.v1.fail', {}, { requestId: 'rid-fail' }).catch((e: unknown) => e as RemoteError);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.body).toEqual({ code: ErrorCodes.internal, message: 'Internal server error' });
    const errors = lines.slice(before).filter((l) => l['level'] === 'error');
    expect(errors).toEqual([expect.objectContaining({ request_id: 'rid-fail', subject: `${prefix}demo.v1.fail`, msg: 'rpc failed' })]);
    expect(JSON.stringify(errors[0])).toContain('boom');
  });

  it('logs a refused request at info with the request id and its code', async () => {
    const err = await caller.request<never>('demo.v1.refuse', {}, { requestId: 'rid-refuse' }).catch((e: unknown) => e as RemoteError);
    expect(err.body).toEqual({ code: ErrorCodes.conflict, message: 'taken' });
    expect(linesOf('rid-refuse')).toEqual([expect.objectContaining({ level: 'info', code: ErrorCodes.conflict, msg: 'rpc refused' })]);
  });

  it("passes a callee's refusal on as it came, logged at info", async () => {
    const err = await caller.request<never>('demo.v1.pass-on', {}, { requestId: 'rid-pass' }).catch((e: unknown) => e as RemoteError);
    expect(err.body).toEqual({ code: ErrorCodes.unavailable, message: 'Service temporarily unavailable' });
    expect(linesOf('rid-pass')).toEqual([expect.objectContaining({ level: 'info', code: ErrorCodes.unavailable })]);
  });

  it('answers an Error that merely has a code (a database error) internal, logged at error with the request id', async () => {
    const err = await caller.request<never>('demo.v1.database', {}, { requestId: 'rid-db' }).catch((e: unknown) => e as RemoteError);
    expect(err.body).toEqual({ code: ErrorCodes.internal, message: 'Internal server error' });
    expect(linesOf('rid-db')).toEqual([expect.objectContaining({ level: 'error', msg: 'rpc failed' })]);
    expect(lines.filter((l) => l['level'] === 'error' && l['request_id'] === undefined)).toEqual([]);
  });

  it('answers a database outage unavailable (503), logged at warn with what the driver said', async () => {
    const err = await caller.request<never>('demo.v1.outage', {}, { requestId: 'rid-outage' }).catch((e: unknown) => e as RemoteError);
    expect(err.body).toEqual({ code: ErrorCodes.unavailable, message: 'Service temporarily unavailable' });
    expect(linesOf('rid-outage')).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'rpc unavailable', cause: { code: '57P01', message: 'terminating connection due to administrator command' } }),
    ]);
  });
});
