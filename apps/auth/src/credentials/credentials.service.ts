import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { MoreThan, Repository } from 'typeorm';
import {
  AuthEvents,
  canonicalId,
  CredentialsCreatedResponse,
  CredentialsRevokedEvent,
  CredentialView,
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
}

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
export class CredentialsService implements OnModuleInit {
  private readonly cache = new Map<string, CachedCredential>();
  private readonly misses = new LRUCache<string, typeof MISS>({ max: MISS_LIMIT, ttl: MISS_TTL_MS });
  /** Bumped by every invalidation: a load that raced with one is not cached. */
  private generation = 0;

  constructor(
    @InjectRepository(ClientCredentialEntity) private readonly repo: Repository<ClientCredentialEntity>,
    private readonly projects: ProjectsService,
    private readonly nats: NatsService,
  ) {}

  onModuleInit(): void {
    this.nats.subscribe<CredentialsRevokedEvent>(AuthEvents.credentialsRevoked, (e) => {
      this.invalidate(e.client_id);
    });
    this.nats.onReconnect(() => this.invalidate());
  }

  /** Returns the project of a valid, unrevoked pair; otherwise `invalid_client`. */
  async authenticate(clientId: string, secret: string): Promise<string> {
    const id = canonicalId(clientId);
    const found = this.cache.get(id) ?? this.misses.get(id) ?? (await this.load(id));
    // The same work whether the pair exists or not: one hash and one constant-time comparison.
    const matches = secretMatches(secret, found === MISS ? DECOY_HASH : found.secretHash);
    if (found === MISS || !matches) throw new RpcError(ErrorCodes.invalidClient, 'Client authentication failed');
    return found.projectId;
  }

  async create(projectId: string): Promise<CredentialsCreatedResponse> {
    await this.projects.require(projectId);
    const secret = generateSecret();
    const row = this.repo.create({ clientId: randomUUID(), projectId, secretHash: hashSecret(secret), revokedAt: null });
    await this.repo.insert(row);
    this.invalidate(row.clientId);
    const saved = await this.repo.findOneByOrFail({ clientId: row.clientId });
    return { project_id: projectId, client_id: row.clientId, client_secret: secret, created_at: saved.createdAt.toISOString() };
  }

  async list(projectId: string): Promise<CredentialView[]> {
    await this.projects.require(projectId);
    const rows = await this.repo.find({ where: { projectId }, order: { createdAt: 'ASC' } });
    return rows.map(view);
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
    const found: Cached = !row || row.revokedAt ? MISS : { projectId: row.projectId, secretHash: row.secretHash };
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

function view(row: ClientCredentialEntity): CredentialView {
  return {
    client_id: row.clientId,
    project_id: row.projectId,
    created_at: row.createdAt.toISOString(),
    revoked_at: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}
