import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import {
  AuthEvents,
  CredentialsCreatedResponse,
  CredentialsRevokedEvent,
  CredentialView,
  ErrorCodes,
  isUuid,
} from '@gatehouse/contracts';
import { NatsService, RpcError } from '@gatehouse/platform';
import { ProjectsService } from '../projects/projects.service';
import { ClientCredentialEntity } from './client-credential.entity';
import { generateSecret, hashSecret, secretMatches } from './secret';

interface CachedCredential {
  projectId: string;
  secretHash: Buffer;
}

const CACHE_LIMIT = 100_000;

/**
 * Client credential pairs. Authentication is on the token hot path, so pairs
 * are cached in memory (the database is read once per client id); a revocation
 * is broadcast to every auth instance, which drops the pair at once, and the
 * whole cache is dropped when the broker connection comes back (an
 * invalidation may have been missed while it was down).
 */
@Injectable()
export class CredentialsService implements OnModuleInit {
  private readonly cache = new Map<string, CachedCredential>();
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
    const cred = this.cache.get(clientId) ?? (await this.load(clientId));
    if (!cred || !secretMatches(secret, cred.secretHash)) {
      throw new RpcError(ErrorCodes.invalidClient, 'Client authentication failed');
    }
    return cred.projectId;
  }

  async create(projectId: string): Promise<CredentialsCreatedResponse> {
    await this.projects.require(projectId);
    const secret = generateSecret();
    const row = this.repo.create({ clientId: randomUUID(), projectId, secretHash: hashSecret(secret), revokedAt: null });
    await this.repo.insert(row);
    const saved = await this.repo.findOneByOrFail({ clientId: row.clientId });
    return { project_id: projectId, client_id: row.clientId, client_secret: secret, created_at: saved.createdAt.toISOString() };
  }

  async list(projectId: string): Promise<CredentialView[]> {
    await this.projects.require(projectId);
    const rows = await this.repo.find({ where: { projectId }, order: { createdAt: 'ASC' } });
    return rows.map(view);
  }

  async revoke(clientId: string): Promise<CredentialView> {
    const row = isUuid(clientId) ? await this.repo.findOneBy({ clientId }) : null;
    if (!row) throw new RpcError(ErrorCodes.notFound, 'No such client id');
    if (!row.revokedAt) {
      await this.repo.update({ clientId }, { revokedAt: () => 'now()' } as any);
    }
    this.invalidate(clientId);
    this.nats.publish(AuthEvents.credentialsRevoked, { client_id: clientId } satisfies CredentialsRevokedEvent);
    await this.nats.flush();
    return view(await this.repo.findOneByOrFail({ clientId }));
  }

  private async load(clientId: string): Promise<CachedCredential | undefined> {
    if (!isUuid(clientId)) return undefined;
    const generation = this.generation;
    const row = await this.repo.findOneBy({ clientId });
    if (!row || row.revokedAt) return undefined;
    const cred = { projectId: row.projectId, secretHash: row.secretHash };
    if (generation === this.generation) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(clientId, cred);
    }
    return cred;
  }

  private invalidate(clientId?: string): void {
    this.generation++;
    if (clientId) this.cache.delete(clientId);
    else this.cache.clear();
  }
}


function view(row: ClientCredentialEntity): CredentialView {
  return {
    client_id: row.clientId,
    project_id: row.projectId,
    created_at: row.createdAt.toISOString(),
    revoked_at: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}
