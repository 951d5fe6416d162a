import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from 'nats';
import { AuditEntry, auditEntryJson } from '@gatehouse/contracts';
import type { Logger } from 'pino';
import type { NatsService } from '../nats/nats.service';
import { batchBody, encodeAuditBatch } from './batch-encoding';

/** A batch is published when it holds this many entries, this many bytes, or is this old. */
export interface AuditBatchLimits {
  maxEntries: number;
  maxBytes: number;
  maxDelayMs: number;
}

/**
 * The defaults trade a tenth of a second of delay before an entry is stored for few
 * messages: JetStream's work (store, deliver, acknowledge) and the consumer's are per
 * message, so a batch every 100 ms cost measurably less than one every 20 ms.
 */
export const AUDIT_BATCH_LIMITS: AuditBatchLimits = { maxEntries: 2_000, maxBytes: 512 * 1024, maxDelayMs: 100 };
/** NATS' default max_payload is 1 MiB: an entry that alone comes near it is dropped (and counted), never sent. */
const MAX_ENTRY_BYTES = 900 * 1024;

/**
 * Audit entries (docs/AUDIT.md) batched into one JetStream message `{entries}` each,
 * every entry without its null fields (`auditEntryJson`), deflated on zlib's thread
 * pool (encodeAuditBatch) and published in the order the batches were closed
 * (msgID = a batch id, so JetStream drops a republished batch; the audit service
 * dedupes entries by their own ids). Nothing on the request path waits: `add` only
 * appends; the compression, the publish and its ack are not awaited. One message per
 * batch instead of per entry, and a twelfth of the bytes, is what keeps the trail's
 * cost within budget. A failed publish is counted
 * and logged at warn once per failure episode (never with the entries: they are
 * callers' data). `close()` publishes what is left (at shutdown).
 */
export class AuditBatcher {
  failed = 0;
  dropped = 0;
  private js: JetStreamClient | null = null;
  private parts: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  private readonly inflight = new Set<Promise<unknown>>();
  /** Settles when the last batch closed is handed to NATS: the next one waits for it, so batches go out in order. */
  private lastHandedOver: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly nats: NatsService,
    private readonly subject: string,
    private readonly logger: Logger,
    private readonly limits: AuditBatchLimits = AUDIT_BATCH_LIMITS,
  ) {}

  add(entry: AuditEntry): void {
    const json = auditEntryJson(entry);
    if (json.length > MAX_ENTRY_BYTES) {
      this.dropped++;
      this.logger.warn({ entry_id: entry.id, bytes: json.length }, 'audit: an entry too large to publish was dropped');
      return;
    }
    if (this.bytes + json.length > this.limits.maxBytes) this.flush();
    this.parts.push(json);
    this.bytes += json.length;
    if (this.parts.length >= this.limits.maxEntries) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.limits.maxDelayMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.parts.length) return;
    const body = batchBody(this.parts);
    this.parts = [];
    this.bytes = 0;
    const js = (this.js ??= this.nats.connection.jetstream());
    const subject = this.nats.subject(this.subject);
    const msgID = randomUUID();
    const encoded = encodeAuditBatch(body);
    encoded.catch(() => undefined); // observed here; its failure is reported below, as a failed publish
    const turn = this.lastHandedOver.then(() => encoded);
    this.lastHandedOver = turn.catch(() => undefined);
    const sent = turn.then(({ data, headers }) => js.publish(subject, data, { msgID, headers, timeout: 5_000 })).then(
      () => {
        if (this.failing) this.logger.info('audit: publishing again');
        this.failing = false;
      },
      (err: Error) => {
        this.failed++;
        if (!this.failing) this.logger.warn({ err: err.message }, 'audit: a batch of entries could not be published');
        this.failing = true;
      },
    );
    this.inflight.add(sent);
    void sent.finally(() => this.inflight.delete(sent));
  }

  /** Publishes what is buffered and waits for every publish in flight. */
  async close(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inflight]);
  }
}
