import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, Consumer, DeliverPolicy, JetStreamManager, JsMsg, RetentionPolicy, StorageType } from 'nats';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AUDIT_CONSUMER, AUDIT_EVENTS_WILDCARD, auditBatchEnvelope, AuditEntry, AuditEntrySchema, auditStream, isWellFormedAuditBatch } from '@gatehouse/contracts';
import { decodeAuditBatch, LOGGER, NatsService } from '@gatehouse/platform';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import * as AuditLog from '../store/audit-log.repository';
import { copyBinary } from '../store/copy-binary';
import { copyText } from '../store/copy-text';

const DAY_NS = 24 * 3600 * 1e9;

/**
 * Stores the AUDIT stream: one durable pull consumer shared by every instance
 * (JetStream hands each message to one of them). A pull is stored in one
 * transaction (AuditLog.storeBatch: COPY, or the idempotent insert when some
 * entry is stored already) and each message is acknowledged only after the
 * commit: a crash before the commit redelivers the batch (nothing lost), a crash
 * after it redelivers entries the database already holds, which are skipped
 * (nothing twice). A message that is no audit batch is terminated (never
 * redelivered) and logged; so is an entry of a batch that breaks the contract,
 * alone: the batch's other entries are stored.
 */
@Injectable()
export class AuditConsumerService implements OnApplicationShutdown {
  private running = false;
  private loop: Promise<void> | null = null;
  private consumer!: Consumer;
  stored = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly nats: NatsService,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const stream = auditStream(this.nats.prefix);
    const jsm = await this.nats.connection.jetstreamManager();
    await ensureAuditStream(jsm, stream, this.nats.subject(AUDIT_EVENTS_WILDCARD));
    await jsm.consumers
      .add(stream, {
        durable_name: AUDIT_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 30 * 1e9,
        max_ack_pending: 20_000,
      })
      .catch(async (err) => {
        await jsm.consumers.info(stream, AUDIT_CONSUMER).catch(() => Promise.reject(err));
      });
    this.consumer = await this.nats.connection.jetstream().consumers.get(stream, AUDIT_CONSUMER);
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        await this.batch();
        backoff = 100;
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'audit consumer: will retry');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  /**
   * Pulls up to AUDIT_BATCH_SIZE messages (each a batch of entries; waiting at most a
   * second), stores them in one transaction, then acknowledges them. Each message is
   * turned into binary COPY rows as it arrives (COPY text when copyBinary declines
   * it), one Buffer per message, outside V8's heap: its parsed entries die young, and
   * only the Buffers wait for the commit. A string kept instead was a rope of dozens
   * of pieces per entry, which every young-generation collection of the pull's second
   * copied again: under load that was a third of the service's CPU.
   */
  private async batch(): Promise<void> {
    const keep: JsMsg[] = [];
    const binary: Buffer[] = [];
    const text: Buffer[] = [];
    let count = 0;
    const iter = await this.consumer.fetch({ max_messages: this.config.AUDIT_BATCH_SIZE, expires: 1_000 });
    for await (const m of iter) {
      const parsed = parse(m);
      if (!parsed?.entries.length) {
        const why = parsed ? 'no entry of the batch keeps the contract, dropped' : 'not an audit batch, dropped';
        this.logger.warn({ subject: m.subject, seq: m.seq, refused: parsed?.refused }, `audit consumer: ${why}`);
        m.term();
        continue;
      }
      const { entries, refused } = parsed;
      if (refused) this.logger.warn({ subject: m.subject, seq: m.seq, refused, kept: entries.length }, 'audit consumer: entries that break the contract dropped, the rest of their batch kept');
      const rows = copyBinary(entries);
      if (rows) binary.push(rows);
      else text.push(Buffer.from(copyText(entries)));
      count += entries.length;
      keep.push(m);
    }
    if (!keep.length) return;
    try {
      // The entries again only if some are stored already (the idempotent path).
      this.stored += await AuditLog.storeBatch(this.ds, { binary, text, count, entries: () => keep.flatMap((m) => parse(m)?.entries ?? []) });
    } catch (err) {
      // Not stored: let JetStream redeliver them now rather than after ack_wait.
      for (const m of keep) m.nak(1_000);
      throw err;
    }
    for (const m of keep) m.ack();
  }
}

/** A message's entries, and how many of its entries the contract refused (dropped). */
interface Parsed {
  entries: AuditEntry[];
  refused: number;
}

/** null: the message is no audit batch at all. */
function parse(m: JsMsg): Parsed | null {
  try {
    // Deflated by its publisher (encodeAuditBatch) or as it is; an unknown encoding or a corrupt stream is no batch.
    const value: unknown = JSON.parse(DECODER.decode(decodeAuditBatch(m.data, m.headers)));
    // The precompiled check first (it only ever accepts what AuditBatchSchema accepts); zod, entry by entry, when it is unsure.
    return isWellFormedAuditBatch(value) ? { entries: value.entries, refused: 0 } : checkEach(value);
  } catch {
    return null;
  }
}

/**
 * A batch's entries checked one by one against AuditEntrySchema (what AuditBatchSchema
 * does, but an entry it refuses — one PostgreSQL could never store, say — is counted
 * and left out, not the batch): a batch only carries entries, each with its own id,
 * so one that breaks the contract is dropped alone rather than taking the calls of
 * other callers down with it. A response whose request entry was refused is kept,
 * its parent_log_id naming no stored entry (the gateway cuts what callers send to
 * the contract's limits, so its entries are not refused). null when the envelope is
 * no batch: not `{"entries": [...]}` of 1 to AUDIT_BATCH_MAX_ENTRIES.
 */
function checkEach(value: unknown): Parsed | null {
  const list = auditBatchEnvelope(value);
  if (!list) return null;
  const entries: AuditEntry[] = [];
  for (const e of list) {
    const r = AuditEntrySchema.safeParse(e);
    if (r.success) entries.push(r.data);
  }
  return { entries, refused: list.length - entries.length };
}

const DECODER = new TextDecoder();

/** The AUDIT stream: file storage, a week of messages, a two-minute duplicate window (publishers set msgID = the batch id). */
export async function ensureAuditStream(jsm: JetStreamManager, stream: string, subject: string): Promise<void> {
  try {
    await jsm.streams.info(stream);
  } catch {
    await jsm.streams
      .add({
        name: stream,
        subjects: [subject],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        max_age: 7 * DAY_NS,
        duplicate_window: 2 * 60 * 1e9,
      })
      .catch(async (err) => {
        await jsm.streams.info(stream).catch(() => Promise.reject(err));
      });
  }
}
