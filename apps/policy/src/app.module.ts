import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { HealthController, LOGGER, NatsService, READINESS_CHECKS, ReadinessCheck } from '@gatehouse/platform';
import { POLICY_CONFIG, PolicyConfig } from './config';
import { PolicyController } from './policy/policy.controller';
import { PolicyService } from './policy/policy.service';
import { NatsStateSource } from './read-model/nats-state-source';
import { ReadModel } from './read-model/read-model';
import { ReadModelSync } from './read-model/read-model.sync';

export interface PolicyRuntime {
  config: PolicyConfig;
  nats: NatsService;
  logger: Logger;
}

@Global()
@Module({})
class RuntimeModule {
  static register(rt: PolicyRuntime): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: POLICY_CONFIG, useValue: rt.config },
        { provide: NatsService, useValue: rt.nats },
        { provide: LOGGER, useValue: rt.logger },
      ],
      exports: [POLICY_CONFIG, NatsService, LOGGER],
    };
  }
}

/** The policy service: no database, a read model of identity and auth state, decisions over NATS. */
@Module({})
export class PolicyModule {
  static register(rt: PolicyRuntime): DynamicModule {
    return {
      module: PolicyModule,
      imports: [RuntimeModule.register(rt)],
      controllers: [PolicyController, HealthController],
      providers: [
        {
          provide: ReadModel,
          useFactory: () =>
            new ReadModel(new NatsStateSource(rt.nats, rt.config.POLICY_UPSTREAM_TIMEOUT_MS), {
              maxEntries: rt.config.POLICY_CACHE_MAX_ENTRIES,
              ttlMs: rt.config.POLICY_CACHE_TTL_MS,
            }),
        },
        ReadModelSync,
        PolicyService,
        {
          provide: READINESS_CHECKS,
          useFactory: (): ReadinessCheck[] => [{ name: 'nats', check: () => rt.nats.isConnected() }],
        },
      ],
    };
  }
}
