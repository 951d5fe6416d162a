import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `outbox.trace_context`: the W3C trace context (traceparent, tracestate) of the
 * request that made the change, when tracing is on; the relay sends it in the
 * event's NATS headers, so the event joins the request's trace. Null otherwise.
 * Additive: old rows and old relays carry on.
 */
export class OutboxTraceContext1796900000000 implements MigrationInterface {
  name = 'OutboxTraceContext1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN IF NOT EXISTS trace_context jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN IF EXISTS trace_context');
  }
}
