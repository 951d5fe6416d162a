import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AuthEvents, CredentialsRevokedEvent } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';

/** How long an accepted secret is taken without asking auth again (a revocation ends it at once). */
export const AUTHENTICATED_CLIENT_TTL_MS = 60_000;
const CACHE_SIZE = 10_000;

interface Accepted {
  digest: Buffer;
  projectId: string;
}

const digestOf = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/**
 * Client secrets auth has just accepted (for introspection, which a resource server
 * calls per request): kept as their SHA-256 — what auth itself stores — with the
 * client's project, for at most a minute. Only successes are kept, so a wrong secret
 * always reaches auth and the brake; a hit needs the very secret auth accepted
 * (constant-time comparison). A revoked pair is dropped at once (the broadcast every
 * gateway hears), and everything is dropped when the broker connection is lost (a
 * broadcast may be missed); an answer that raced with a revocation is not kept.
 */
@Injectable()
export class AuthenticatedClientsService implements OnModuleInit {
  private readonly accepted = new LRUCache<string, Accepted>({ max: CACHE_SIZE, ttl: AUTHENTICATED_CLIENT_TTL_MS });
  /** Bumped by every invalidation. */
  private generation = 0;

  constructor(private readonly nats: NatsService) {}

  onModuleInit(): void {
    this.nats.subscribe<CredentialsRevokedEvent>(AuthEvents.credentialsRevoked, (c) => {
      if (typeof c?.client_id === 'string') this.forget(c.client_id);
    });
    this.nats.onDisconnect(() => this.forget());
    this.nats.onReconnect(() => this.forget());
  }

  /** Taken before asking auth; `remember` keeps the answer only if nothing was invalidated since. */
  epoch(): number {
    return this.generation;
  }

  /** The project of a client whose very secret auth accepted lately; undefined: ask auth. */
  projectOf(clientId: string, secret: string): string | undefined {
    const found = this.accepted.get(clientId);
    if (!found) return undefined;
    return timingSafeEqual(digestOf(secret), found.digest) ? found.projectId : undefined;
  }

  remember(clientId: string, secret: string, projectId: string, epoch: number): void {
    if (epoch === this.generation) this.accepted.set(clientId, { digest: digestOf(secret), projectId });
  }

  forget(clientId?: string): void {
    this.generation++;
    if (clientId === undefined) this.accepted.clear();
    else this.accepted.delete(clientId);
  }
}
