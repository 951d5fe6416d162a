export * from './lib/config/load-config';
export * from './lib/errors/rpc-error';
export * from './lib/nats/nats.service';
export * from './lib/nats/gatehouse-nats.server';
export * from './lib/logging/logger';
export * from './lib/database/ensure-database';
export * from './lib/database/run-migrations';
export * from './lib/health/health.controller';
