import type { NatsConnection } from 'nats';
import { encode } from 'nats/lib/nats-base-client/encoders';

interface ProtocolInternals {
  outbound: { fill(buf: Uint8Array, ...payloads: unknown[]): void; size(): number };
  pendingLimit: number;
  flushPending(): void;
  sendCommand(cmd: string | Uint8Array, ...payloads: unknown[]): void;
}

/**
 * nats.js writes its outbound buffer at the next microtask checkpoint, so a
 * server handling many requests at once (each in its own socket callback) makes
 * one socket write per message. On loopback each write costs the sender, the
 * broker and the receiver a wake-up: measured here, a gateway → NATS → auth
 * round trip at 50 concurrent requests spent 3-4x more broker CPU than needed.
 * This defers the flush to the end of the event-loop turn (setImmediate), so
 * every message produced in one turn leaves in one write; a full buffer still
 * flushes at once. It reaches into nats.js 2.x internals (pinned in
 * package.json); when they are not as expected it changes nothing.
 */
export function coalesceWrites(connection: NatsConnection): boolean {
  const protocol = (connection as unknown as { protocol?: ProtocolInternals }).protocol;
  if (
    !protocol ||
    typeof protocol.flushPending !== 'function' ||
    typeof protocol.sendCommand !== 'function' ||
    typeof protocol.outbound?.fill !== 'function' ||
    typeof protocol.pendingLimit !== 'number'
  ) {
    return false;
  }
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    protocol.flushPending();
  };
  protocol.sendCommand = function sendCommand(cmd, ...payloads) {
    this.outbound.fill(typeof cmd === 'string' ? encode(cmd) : cmd, ...payloads);
    if (this.outbound.size() >= this.pendingLimit) {
      this.flushPending();
    } else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return true;
}
