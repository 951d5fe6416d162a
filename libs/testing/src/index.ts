// Test and bench helpers: never imported by a service (lint: type:testing).
export * from './lib/http-client';
export * from './lib/raw-http';
export * from './lib/system-handle';
export * from './lib/identity-fixtures';
export * from './lib/entity-users';
export * from './lib/schemas';
export * from './lib/jwt';
export * from './lib/log-audit';
export * from './lib/tcp-proxy';
export * from './lib/nats-server';
