import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import {
  AuthEvents,
  canonicalId,
  CredentialsCreatedResponse,
  CredentialsRevokedEvent,
  CredentialsUpdatedEvent,
  CredentialView,
  PortalCredentialCreated,
  PortalCredentialView,
  ErrorCodes,
  isUuid,
  TOKEN_HORIZON_S,
} from '@gatehouse/contracts';
import { NatsService, RpcError } from '@gatehouse/platform';
import { ProjectsService } from '../projects/projects.service';
import { ClientCredentialEntity } from './client-credential.entity';
import { generateSecret, hashSecret, secretMatches } from './secret';

interface CachedCredential {
  projectId: string;
  secretHash: Buffer;
  /** Milliseconds since the epoch from which the pair is refused (a roll's overlap), or null. */
  expiresAt: number | null;
}

/** Who made a pair and what it is called (shown in the portal and by the CLI). */
export interface NewPairInfo {
  name?: string | null;
  /** A member's email, or `cli`. */
  createdBy: string;
}

/** How often the pairs used since the last write get their `last_used_at` (off the mint's path). */
export const LAST_USED_FLUSH_MS = 60_000;

/** Client ids known to authenticate nothing (unknown, malformed or revoked), kept like known ones. */
const MISS = Symbol('miss');
type Cached = CachedCredential | typeof MISS;

const CACHE_LIMIT = 100_000;
const MISS_LIMIT = 100_000;
/** A miss is re-read after this long: a pair created on another instance is never hidden for longer. */
const MISS_TTL_MS = 5 * 60_000;

/** Compared against when there is no pair, so a refusal costs what a wrong secret costs. */
const DECOY_HASH = hashSecret(generateSecret());

/**
 * Client credential pairs. Authentication is on the token hot path, so pairs
 * are cached in memory (the database is read once per client id); so are client
 * ids that authenticate nothing, so an unknown id costs what a known one does
 * (no timing oracle on which ids exist). A revocation is broadcast to every auth
 * instance, which drops the pair at once, and the whole cache is dropped when
 * the broker connection comes back (an invalidation may have been missed while
 * it was down).
 */
@Injectable()
export class CredentialsService implements OnModuleInit, OnApplicationShutdown {
  private readonly cache = new Map<string, CachedCredential>();
  private readonly misses = new LRUCache<string, typeof MISS>({ max: MISS_LIMIT, ttl: MISS_TTL_MS });
  /** Bumped by every invalidation: a load that raced with one is not cached. */
  private generation = 0;
  /** Pairs that authenticated since the last flush: their last_used_at is written at most once a flush. */
  private touched = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    @InjectRepository(ClientCredentialEntity) private readonly repo: Repository<ClientCredentialEntity>,
    private readonly projects: ProjectsService,
    private readonly nats: NatsService,
  ) {}

  onModuleInit(): void {
    this.nats.subscribe<CredentialsRevokedEvent>(AuthEvents.credentialsRevoked, (e) => {
      this.invalidate(e.client_id);
    });
    this.nats.subscribe<CredentialsUpdatedEvent>(AuthEvents.credentialsUpdated, (e) => {
      this.invalidate(e.client_id);
    });
    this.nats.onReconnect(() => this.invalidate());
    this.flushTimer = setInterval(() => void this.flushLastUsed().catch(() => undefined), LAST_USED_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    await this.flushLastUsed().catch(() => undefined);
  }

  /** Writes `last_used_at` of the pairs used since the last flush: one statement, whatever their number. */
  async flushLastUsed(): Promise<number> {
    if (this.touched.size === 0) return 0;
    const ids = [...this.touched];
    this.touched = new Set();
    await this.repo.createQueryBuilder().update().set({ lastUsedAt: () => 'now()' }).where({ clientId: In(ids) }).execute();
    return ids.length;
  }

  /** Returns the project of a valid, unrevoked pair; otherwise `invalid_client`. */
  async authenticate(clientId: string, secret: string): Promise<string> {
    const id = canonicalId(clientId);
    const found = this.cache.get(id) ?? this.misses.get(id) ?? (await this.load(id));
    // The same work whether the pair exists or not: one hash and one constant-time comparison.
    const matches = secretMatches(secret, found === MISS ? DECOY_HASH : found.secretHash);
    if (found === MISS || !matches) throw new RpcError(ErrorCodes.invalidClient, 'Client authentication failed');
    // A rolled pair past its overlap, or a pair of an archived project, mints nothing.
    if (found.expiresAt !== null && Date.now() >= found.expiresAt) throw new RpcError(ErrorCodes.invalidClient, 'Client authentication failed');
    const archived = this.projects.archived(found.projectId);
    if (archived === true || (archived !== false && (await archived))) throw new RpcError(ErrorCodes.invalidClient, 'Client authentication failed');
    this.touched.add(id);
    return found.projectId;
  }

  async create(projectId: string, info: NewPairInfo = { createdBy: 'cli' }): Promise<CredentialsCreatedResponse & PortalCredentialCreated> {
    await this.projects.require(projectId);
    return this.insertPair(this.repo.manager, projectId, info);
  }

  private async insertPair(m: EntityManager, projectId: string, info: NewPairInfo): Promise<PortalCredentialCreated> {
    const secret = generateSecret();
    const repo = m.getRepository(ClientCredentialEntity);
    const row = repo.create({
      clientId: randomUUID(),
      projectId,
      secretHash: hashSecret(secret),
      revokedAt: null,
      name: info.name ?? null,
      createdBy: info.createdBy,
      expiresAt: null,
      lastUsedAt: null,
    });
    await repo.insert(row);
    this.invalidate(row.clientId);
    const saved = await repo.findOneByOrFail({ clientId: row.clientId });
    return { ...view(saved), client_secret: secret };
  }

  async list(projectId: string): Promise<PortalCredentialView[]> {
    await this.projects.require(projectId);
    const rows = await this.repo.find({ where: { projectId }, order: { createdAt: 'ASC' } });
    return rows.map(view);
  }

  /** A pair of this project (another project's answers as a missing one). */
  async requireOfProject(projectId: string, clientId: string): Promise<ClientCredentialEntity> {
    const id = canonicalId(clientId);
    const row = isUuid(id) ? await this.repo.findOneBy({ clientId: id, projectId }) : null;
    if (!row) throw new RpcError(ErrorCodes.notFound, 'No such client id');
    return row;
  }

  /**
   * A new pair with the old one's name, working at once, and the old pair's
   * expiry set to `oldExpiresAt` (never later than one it already has): it works
   * until then, and is refused by every instance from then on. One transaction,
   * the old row locked: two rolls of one pair do not both succeed on a stale read.
   */
  async roll(projectId: string, clientId: string, oldExpiresAt: Date, createdBy: string): Promise<PortalCredentialCreated & { previous: PortalCredentialView }> {
    const id = canonicalId(clientId);
    if (!isUuid(id)) throw new RpcError(ErrorCodes.notFound, 'No such client id');
    const result = await this.repo.manager.transaction(async (m) => {
      const repo = m.getRepository(ClientCredentialEntity);
      const old = await repo.findOne({ where: { clientId: id, projectId }, lock: { mode: 'pessimistic_write' } });
      if (!old) throw new RpcError(ErrorCodes.notFound, 'No such client id');
      if (old.revokedAt) throw new RpcError(ErrorCodes.conflict, 'The pair is revoked: create a new one instead');
      if (old.expiresAt && old.expiresAt.getTime() <= Date.now()) throw new RpcError(ErrorCodes.conflict, 'The pair has expired: create a new one instead');
      const expiresAt = old.expiresAt && old.expiresAt < oldExpiresAt ? old.expiresAt : oldExpiresAt;
      await repo.update({ clientId: id }, { expiresAt });
      const created = await this.insertPair(m, projectId, { name: old.name, createdBy });
      const previous = await repo.findOneByOrFail({ clientId: id });
      return { ...created, previous: view(previous) };
    });
    this.invalidate(id);
    this.nats.publish(AuthEvents.credentialsUpdated, { client_id: id } satisfies CredentialsUpdatedEvent);
    await this.nats.flush();
    return result;
  }

  /**
   * The pair mints no more, and every token minted with it is refused from now
   * on: the broadcast reaches every auth instance (cache) and every gateway
   * (revocation list); a gateway that starts later loads it with the list.
   */
  async revoke(clientId: string): Promise<CredentialView> {
    const id = canonicalId(clientId);
    const row = isUuid(id) ? await this.repo.findOneBy({ clientId: id }) : null;
    if (!row) throw new RpcError(ErrorCodes.notFound, 'No such client id');
    if (!row.revokedAt) {
      await this.repo.update({ clientId: id }, { revokedAt: () => 'now()' } as any);
    }
    this.invalidate(id);
    const revoked = await this.repo.findOneByOrFail({ clientId: id });
    this.nats.publish(AuthEvents.credentialsRevoked, { ...revokedEvent(revoked), revoked_at_ms: Date.now() });
    await this.nats.flush();
    return view(revoked);
  }

  /** Revoked pairs whose tokens may still be live (revoked within the longest token lifetime). */
  async recentlyRevoked(now = Date.now()): Promise<CredentialsRevokedEvent[]> {
    const rows = await this.repo.find({
      where: { revokedAt: MoreThan(new Date(now - TOKEN_HORIZON_S * 1000)) },
      select: { clientId: true, revokedAt: true },
    });
    return rows.map(revokedEvent);
  }

  /** The project of a client id, revoked or not (a pair never changes project); null when unknown. */
  async projectOf(clientId: string): Promise<string | null> {
    const id = canonicalId(clientId);
    const cached = this.cache.get(id);
    if (cached) return cached.projectId;
    if (!isUuid(id)) return null;
    const row = await this.repo.findOne({ where: { clientId: id }, select: { projectId: true } });
    return row?.projectId ?? null;
  }

  private async load(clientId: string): Promise<Cached> {
    const generation = this.generation;
    const row = isUuid(clientId) ? await this.repo.findOneBy({ clientId }) : null;
    const found: Cached = !row || row.revokedAt ? MISS : { projectId: row.projectId, secretHash: row.secretHash, expiresAt: row.expiresAt ? row.expiresAt.getTime() : null };
    if (generation === this.generation) {
      if (found === MISS) this.misses.set(clientId, MISS);
      else {
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(clientId, found);
      }
    }
    return found;
  }

  private invalidate(clientId?: string): void {
    this.generation++;
    if (clientId) {
      this.cache.delete(clientId);
      this.misses.delete(clientId);
    } else {
      this.cache.clear();
      this.misses.clear();
    }
  }
}

function revokedEvent(row: ClientCredentialEntity): CredentialsRevokedEvent {
  return { client_id: row.clientId, until: Math.floor((row.revokedAt as Date).getTime() / 1000) + TOKEN_HORIZON_S };
}

function view(row: ClientCredentialEntity): PortalCredentialView & CredentialView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    client_id: row.clientId,
    project_id: row.projectId,
    name: row.name,
    created_at: row.createdAt.toISOString(),
    created_by: row.createdBy,
    last_used_at: iso(row.lastUsedAt),
    expires_at: iso(row.expiresAt),
    revoked_at: iso(row.revokedAt),
  };
}
