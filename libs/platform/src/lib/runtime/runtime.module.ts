import { DynamicModule, Global, InjectionToken, Module, Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import type { BaseConfig } from '../config/load-config';
import { LOGGER } from '../logging/logger';
import type { AccessLog } from '../logging/service-logs';
import { NatsService } from '../nats/nats.service';

/** What a service is started with: its validated configuration, its broker connection, its logger and access log. */
export interface ServiceRuntime<C extends BaseConfig = BaseConfig> {
  config: C;
  nats: NatsService;
  logger: Logger;
  /** One record per answered HTTP request (the gateway's): to the log file, summarised on a person's console. */
  access: AccessLog;
}

/**
 * The process-wide values of a service, global to its modules: its configuration
 * (under the service's own token, e.g. AUTH_CONFIG), NatsService and LOGGER, and
 * any `providers` the service shares the same way. Every service imports it once.
 */
@Global()
@Module({})
export class RuntimeModule {
  static register(rt: ServiceRuntime, configToken: InjectionToken, providers: Provider[] = []): DynamicModule {
    const all: Provider[] = [
      { provide: configToken, useValue: rt.config },
      { provide: NatsService, useValue: rt.nats },
      { provide: LOGGER, useValue: rt.logger },
      ...providers,
    ];
    return { module: RuntimeModule, providers: all, exports: all.map(tokenOf) };
  }
}

function tokenOf(p: Provider): InjectionToken {
  return typeof p === 'function' ? p : p.provide;
}
