import { DynamicModule, Module } from '@nestjs/common';
import { HealthController, READINESS_CHECKS, ReadinessCheck, RuntimeModule, ServiceRuntime } from '@gatehouse/platform';
import { POLICY_CONFIG, PolicyConfig } from './config';
import { PolicyController } from './policy/policy.controller';
import { PolicyService } from './policy/policy.service';
import { NatsStateSource } from './read-model/nats-state-source';
import { watchReadModelSize } from './read-model/read-model.metrics';
import { ReadModel } from './read-model/read-model';
import { ReadModelSync } from './read-model/read-model.sync';

export type PolicyRuntime = ServiceRuntime<PolicyConfig>;

/** The policy service: no database, a read model of identity and auth state, decisions over NATS. */
@Module({})
export class PolicyModule {
  static register(rt: PolicyRuntime): DynamicModule {
    return {
      module: PolicyModule,
      imports: [RuntimeModule.register(rt, POLICY_CONFIG)],
      controllers: [PolicyController, HealthController],
      providers: [
        {
          provide: ReadModel,
          useFactory: () => {
            const model = new ReadModel(new NatsStateSource(rt.nats, rt.config.POLICY_UPSTREAM_TIMEOUT_MS), {
              maxEntries: rt.config.POLICY_CACHE_MAX_ENTRIES,
              ttlMs: rt.config.POLICY_CACHE_TTL_MS,
            });
            watchReadModelSize(() => model.size);
            return model;
          },
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
