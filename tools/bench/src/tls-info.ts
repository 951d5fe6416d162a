import { connect } from 'node:tls';

/**
 * The TLS version and cipher a contender negotiates with a default Node client
 * (what the load generator is): printed beside the figures, since a cipher is part
 * of the cost and every contender must get the same. The certificate is not verified.
 */
export function negotiatedTls(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port || 443), servername: hostname, rejectUnauthorized: false }, () => {
      const cipher = socket.getCipher();
      resolve(`${socket.getProtocol() ?? '?'} ${cipher.standardName ?? cipher.name}`);
      socket.end();
    });
    socket.on('error', (err) => resolve(`no TLS (${err.message})`));
  });
}
