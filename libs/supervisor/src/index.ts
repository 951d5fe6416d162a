export * from './lib/repo-root';
export * from './lib/service-process';
export * from './lib/wait-for-healthy';
export * from './lib/free-port';
export * from './lib/local-secrets';
export * from './lib/databases';
export * from './lib/preflight';
export * from './lib/system-services';
