import 'reflect-metadata';
import { runService } from '@gatehouse/platform';
import { PortalModule } from './app.module';
import { loadPortalConfig } from './config';
import { portalAdapter, preparePortal } from './https-server';

runService({
  name: 'portal',
  loadConfig: loadPortalConfig,
  module: (rt) => PortalModule.register(rt),
  adapter: portalAdapter,
  // Forms only: the portal's own parser (http/forms.ts).
  appOptions: { bodyParser: false },
  prepare: preparePortal,
  listen: (c) => ({ port: c.PORTAL_PORT, host: c.PORTAL_HOST }),
  // The public port never serves the metrics: a plain-HTTP port of their own.
  metricsListen: (c) => ({ port: c.PORTAL_METRICS_PORT, host: c.PORTAL_METRICS_HOST }),
});
