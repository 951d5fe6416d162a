// First: tracing hooks `pg` before anything below loads it (when OTEL_* turns it on).
import './lib/tracing/preload';
export * from './lib/tracing/tracing';
export * from './lib/tracing/tracing-config';
export * from './lib/config/load-config';
export * from './lib/errors/rpc-error';
export * from './lib/nats/nats.service';
export * from './lib/nats/gatehouse-nats.server';
export * from './lib/logging/logger';
export * from './lib/database/ensure-database';
export * from './lib/database/run-migrations';
export * from './lib/database/advisory-locks';
export * from './lib/health/health.controller';
export * from './lib/logging/rpc-logging.filter';
export * from './lib/runtime/service-runtime';
export * from './lib/runtime/runtime.module';
export * from './lib/runtime/lean-async-bind';
export * from './lib/nats/contract-request';
export * from './lib/nats/contract-probes';
