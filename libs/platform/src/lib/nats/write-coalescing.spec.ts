import type { NatsConnection } from 'nats';
import { coalesceWrites } from './write-coalescing';

/** A stand-in for nats.js's protocol handler: records what reaches the socket. */
function fakeConnection(pendingLimit = 1024) {
  const writes: number[] = [];
  let buffered = 0;
  const protocol = {
    pendingLimit,
    outbound: {
      fill: (buf: Uint8Array, ...payloads: Uint8Array[]) => {
        buffered += buf.length + payloads.reduce((n, p) => n + p.length, 0);
      },
      size: () => buffered,
    },
    flushPending() {
      if (buffered) writes.push(buffered);
      buffered = 0;
    },
    sendCommand(_cmd: string | Uint8Array) {
      throw new Error('replaced');
    },
  };
  return { connection: { protocol } as unknown as NatsConnection, protocol, writes };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('coalesceWrites', () => {
  it('sends every message of one event-loop turn in one write', async () => {
    const { connection, protocol, writes } = fakeConnection();
    expect(coalesceWrites(connection)).toBe(true);
    protocol.sendCommand('PUB a 1\r\n');
    await Promise.resolve(); // a microtask checkpoint no longer flushes
    protocol.sendCommand('PUB b 1\r\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([18]);
  });

  it('flushes at once when the buffer reaches its limit', () => {
    const { connection, protocol, writes } = fakeConnection(8);
    coalesceWrites(connection);
    protocol.sendCommand('0123456789');
    expect(writes).toEqual([10]);
  });

  it('changes nothing when the internals are not what it expects', () => {
    expect(coalesceWrites({} as NatsConnection)).toBe(false);
  });
});
