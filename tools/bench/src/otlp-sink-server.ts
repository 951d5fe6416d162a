/**
 * An OTLP/HTTP receiver that drops what it gets, in a process of its own (as a
 * collector would be: not on the load generator's event loop): the bench's
 * stand-in for a collector. Prints `exports <n> bytes <n>` on SIGTERM.
 *
 * Env: PORT.
 */
import { createServer } from 'node:http';

let received = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (d: Buffer) => (bytes += d.length));
  req.on('end', () => {
    received++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  process.stdout.write(`exports ${received} bytes ${bytes}\n`);
  server.close(() => process.exit(0));
});
