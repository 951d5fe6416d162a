import 'reflect-metadata';
import { installLeanAsyncResourceBind, runService } from '@gatehouse/platform';
import { GatewayModule } from './app.module';
import { loadGatewayConfig } from './config';
import { gatewayAdapter, prepareGateway } from './https-server';

installLeanAsyncResourceBind();
runService({
  name: 'gateway',
  loadConfig: loadGatewayConfig,
  module: (rt) => GatewayModule.register(rt),
  adapter: gatewayAdapter,
  // Nest's body parsers build a JSON parser on every request; ours (http/body-parsers.ts) are set up once.
  appOptions: { bodyParser: false },
  prepare: prepareGateway,
  listen: (c) => ({ port: c.GATEWAY_PORT, host: c.GATEWAY_HOST }),
  // The public port never serves the metrics: they have a plain-HTTP port of their own.
  metricsListen: (c) => ({ port: c.GATEWAY_METRICS_PORT, host: c.GATEWAY_METRICS_HOST }),
});
