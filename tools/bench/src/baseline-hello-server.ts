/**
 * The ceiling for an HTTPS GET: one Fastify process answering
 * {hello: 'world'} (at `/`, and at `/v1/entity_users/:id` for bench:identity's random paths),
 * with the gateway's TLS certificate. No auth, no NATS, no logging.
 *
 * Env: PORT, TLS_CERT_FILE, TLS_KEY_FILE.
 */
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import { TLS_POLICY, installLeanAsyncResourceBind } from '@gatehouse/platform';

// As the gateway does: a ceiling must not pay a cost the contender is spared.
installLeanAsyncResourceBind();

const app = Fastify({
  https: { key: readFileSync(process.env.TLS_KEY_FILE ?? ''), cert: readFileSync(process.env.TLS_CERT_FILE ?? ''), ...TLS_POLICY },
  keepAliveTimeout: 72_000,
});

app.get('/', async () => ({ hello: 'world' }));
// The same answer at the path of a read by id, so a contender that asks for a fresh path per request
// (bench:identity's random user ids) is compared with a ceiling whose load generator does the same work.
app.get('/v1/entity_users/:id', async () => ({ hello: 'world' }));

app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).catch((err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
