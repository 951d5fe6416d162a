/**
 * The ceiling for a NATS request/reply round trip: a process of its own (as the
 * policy service is) that answers every request on ECHO_SUBJECT (queue group
 * `echo`) with the request's own bytes. No Nest, no JSON, no work.
 *
 * The connection is made by NatsService.connect, i.e. with exactly the options
 * the services use (noAsyncTraces, coalesced writes), so only the application
 * layer differs from policy; the subscription itself is plain nats.js.
 *
 * Env: NATS_URL, ECHO_SUBJECT (full subject, prefix included).
 */
import { createLogger, NatsService } from '@gatehouse/platform';

async function main(): Promise<void> {
  const subject = process.env.ECHO_SUBJECT;
  if (!subject) throw new Error('ECHO_SUBJECT is required');
  const nats = await NatsService.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: `bench-echo-${process.pid}`,
    prefix: '',
    requestTimeoutMs: 5_000,
    logger: createLogger('echo', 'silent'),
  });
  nats.connection.subscribe(subject, {
    queue: 'echo',
    callback: (err, msg) => {
      if (!err) msg.respond(msg.data);
    },
  });
  await nats.flush();
  process.stdout.write('echo ready\n');
  const stop = () => void nats.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`echo: ${(err as Error).message}\n`);
  process.exit(1);
});
