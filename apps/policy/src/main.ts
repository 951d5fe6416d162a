import 'reflect-metadata';
import { POLICY_QUEUE } from '@gatehouse/contracts';
import { runService } from '@gatehouse/platform';
import { PolicyModule } from './app.module';
import { loadPolicyConfig } from './config';

runService({
  name: 'policy',
  loadConfig: loadPolicyConfig,
  module: (rt) => PolicyModule.register(rt),
  queue: POLICY_QUEUE,
  // Subscribe to invalidations (module init) and have the server confirm it before answering any question.
  prepare: async (app, rt) => {
    await app.init();
    await rt.nats.flush();
  },
  listen: (c) => ({ port: c.POLICY_HTTP_PORT, host: c.POLICY_HTTP_HOST }),
});
