import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'nats';
import { canonicalId, IDENTITY_INVALIDATED, InvalidatedEvent } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import type { Invalidatable } from './read-cache';

type Kind = InvalidatedEvent['kind'];

/**
 * After a change is committed and before the caller gets its answer, every
 * policy instance and every identity instance (its read caches) is told to drop
 * what it holds about the record. The broadcast leaves on the connection the
 * reply will leave on, so it reaches them before the caller can make its next
 * request: a role change, a deleted user or a deactivated entity is felt on that
 * very next request, whichever instance answers it. This instance's own caches
 * are dropped at once, before the broadcast leaves.
 * (The outbox's durable events are for everyone else, and arrive a little later.)
 *
 * The broadcast is handled synchronously on the shared connection, so a request
 * that arrives after it is answered after it took effect. A disconnect clears
 * the caches and stops them storing until the reconnect (broadcasts may be
 * missed meanwhile), which clears them again.
 */
@Injectable()
export class InvalidationsService implements OnModuleInit, OnModuleDestroy {
  private readonly caches = new Map<Kind, Invalidatable[]>();
  private sub?: Subscription;

  constructor(private readonly nats: NatsService) {}

  onModuleInit(): void {
    this.sub = this.nats.subscribe<InvalidatedEvent>(IDENTITY_INVALIDATED, (e) => this.drop(e));
    this.nats.onDisconnect(() => this.clearAll(false));
    this.nats.onReconnect(() => this.clearAll(true));
  }

  onModuleDestroy(): void {
    this.sub?.unsubscribe();
  }

  /** `cache` drops a record of this kind whenever one changes, here or on another instance. */
  register(kind: Kind, cache: Invalidatable): void {
    this.caches.set(kind, [...(this.caches.get(kind) ?? []), cache]);
  }

  publish(event: InvalidatedEvent): void {
    this.drop(event);
    this.nats.publish(IDENTITY_INVALIDATED, event);
  }

  private drop(event: InvalidatedEvent): void {
    for (const cache of this.caches.get(event.kind) ?? []) cache.invalidate(canonicalId(event.id));
  }

  private clearAll(storing: boolean): void {
    for (const list of this.caches.values()) for (const cache of list) cache.clear(storing);
  }
}
