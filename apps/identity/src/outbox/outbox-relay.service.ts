import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { headers as natsHeaders, JetStreamClient, JetStreamManager, MsgHdrs, RetentionPolicy, StorageType } from 'nats';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { IDENTITY_EVENTS_WILDCARD, identityEventsStream } from '@gatehouse/contracts';
import { AdvisoryLocks, LOGGER, NatsService } from '@gatehouse/platform';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import * as Outbox from '../store/outbox.repository';
import { recordPublished, watchOutbox } from './outbox.metrics';

export const RELAY_NATS = Symbol('RELAY_NATS');
const BATCH = 200;
const STANDBY_RETRY_MS = 2_000;


/**
 * Relays the outbox to JetStream, in outbox order, one instance at a time (a
 * PostgreSQL advisory lock elects it; the others stand by). Each event is
 * published with its outbox id as the message id, so a retry after a crash
 * between "published" and "marked" is dropped by JetStream's duplicate window;
 * the relay stops at the first failure and retries, so events of a record are
 * never reordered. Woken by NOTIFY at commit, and by a poll as a fallback. It
 * has its own broker connection (IDENTITY_RELAY_NATS_URL).
 */
@Injectable()
export class OutboxRelayService implements OnApplicationShutdown {
  private running = false;
  private listener: Client | null = null;
  private leader = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private js!: JetStreamClient;
  private stream!: string;
  published = 0;

  constructor(
    private readonly ds: DataSource,
    @Inject(RELAY_NATS) private readonly nats: NatsService,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    watchOutbox(() => Outbox.backlog(this.ds.manager));
    this.stream = identityEventsStream(this.nats.prefix);
    await this.ensureStream(await this.nats.connection.jetstreamManager());
    this.js = this.nats.connection.jetstream();
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    await this.nats.close();
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const subjects = [this.nats.subject(IDENTITY_EVENTS_WILDCARD)];
    try {
      await jsm.streams.info(this.stream);
    } catch {
      await jsm.streams
        .add({
          name: this.stream,
          subjects,
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          max_age: 7 * 24 * 3600 * 1e9,
          duplicate_window: 2 * 60 * 1e9,
        })
        .catch(async (err) => {
          // Another instance created it meanwhile.
          await jsm.streams.info(this.stream).catch(() => Promise.reject(err));
        });
    }
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        if (!this.leader && !(await this.lead())) {
          await this.sleep(STANDBY_RETRY_MS);
          continue;
        }
        const moved = await this.relayBatch();
        backoff = 100;
        if (moved === 0) await this.sleep(this.config.IDENTITY_RELAY_POLL_MS);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'outbox relay: will retry');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  /** Takes the leader lock on a dedicated connection that also LISTENs for commits. */
  private async lead(): Promise<boolean> {
    if (!this.listener) {
      const client = new Client({ connectionString: this.config.IDENTITY_DATABASE_URL });
      client.on('error', () => this.dropListener());
      client.on('end', () => this.dropListener());
      client.on('notification', () => this.wake?.());
      await client.connect();
      this.listener = client;
    }
    const { rows } = await this.listener.query('SELECT pg_try_advisory_lock($1) AS ok', [AdvisoryLocks.identityOutboxRelay]);
    if (!rows[0]?.ok) return false;
    await this.listener.query(`LISTEN ${Outbox.OUTBOX_CHANNEL}`);
    this.leader = true;
    this.logger.info('outbox relay: leading');
    return true;
  }

  private dropListener(): void {
    this.leader = false;
    this.listener = null;
  }

  private async relayBatch(): Promise<number> {
    const rows = await Outbox.unpublished(this.ds.manager, BATCH);
    const done: string[] = [];
    try {
      for (const row of rows) {
        const data = Buffer.from(JSON.stringify({ ...row.payload, event_id: Number(row.id) }));
        await this.js.publish(this.nats.subject(row.subject), data, {
          msgID: `identity-outbox-${row.id}`,
          ...(row.trace_context ? { headers: traceHeaders(row.trace_context) } : {}),
          expect: { streamName: this.stream },
          timeout: 2_000,
        });
        done.push(row.id);
      }
    } finally {
      if (done.length) {
        await Outbox.markPublished(this.ds.manager, done);
        this.published += done.length;
        recordPublished(done.length);
      }
    }
    return done.length;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

/** The change's trace context as NATS headers: the event joins the trace of the request that made it. */
function traceHeaders(traceContext: Record<string, string>): MsgHdrs {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(traceContext)) if (typeof value === 'string') h.set(key, value);
  return h;
}
