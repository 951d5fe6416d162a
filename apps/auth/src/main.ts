import 'reflect-metadata';
import { AUTH_QUEUE } from '@gatehouse/contracts';
import { runService } from '@gatehouse/platform';
import { AuthModule } from './app.module';
import { loadAuthConfig } from './config';
import { KeysService } from './keys/keys.service';

runService({
  name: 'auth',
  loadConfig: loadAuthConfig,
  database: { url: (c) => c.AUTH_DATABASE_URL, migrationLock: 7300 },
  // Minting and introspection answer from memory; tracing their context asynchronously cost
  // more than their spans (bench:token), for the few queries it would parent.
  traceQueries: false,
  module: (rt) => AuthModule.register(rt),
  queue: AUTH_QUEUE,
  prepare: (app) => app.get(KeysService).init(),
  listen: (c) => ({ port: c.AUTH_HTTP_PORT, host: c.AUTH_HTTP_HOST }),
});
