import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, MoreThan, Repository } from 'typeorm';
import {
  ACCESS_TOKEN_TTL_DEFAULT,
  AuthEvents,
  ErrorCodes,
  isUuid,
  SettingsUpdateRequest,
  ProjectSettings,
  ProjectTokensRevokedEvent,
  PortalProjectView,
  ProjectView,
  SettingsUpdatedEvent,
  TOKEN_HORIZON_S,
} from '@gatehouse/contracts';
import { NatsService, RpcError } from '@gatehouse/platform';
import { ProjectEntity } from './project.entity';

const DEFAULT_SETTINGS: ProjectSettings = { access_token_ttl: ACCESS_TOKEN_TTL_DEFAULT, default_role: null };

/**
 * Projects and their settings. Settings are read on every mint (the token
 * lifetime) and on every GET /v1/settings, so they are cached per project and
 * dropped on the `settings.updated` broadcast, on a reconnect (a broadcast may
 * have been missed) and after SETTINGS_CACHE_MS whatever happens (a backstop for
 * a broadcast lost another way). The broadcast leaves before the update's reply
 * on the same connection; with one NATS server, which keeps a connection's order,
 * every instance has it before the caller can ask again. With a cluster of NATS
 * servers the broadcast crosses a route while the answer goes to the caller, so
 * no order is promised: measured with three servers (docs/TOKENS.md) the broadcast
 * still arrived first every time, and the backstop (SETTINGS_CACHE_MS) bounds the
 * staleness when it does not (a route down, a broadcast lost).
 */
@Injectable()
export class ProjectsService implements OnModuleInit {
  private readonly cache = new Map<string, { settings: Readonly<ProjectSettings>; archived: boolean; until: number }>();
  private generation = 0;

  constructor(
    @InjectRepository(ProjectEntity) private readonly repo: Repository<ProjectEntity>,
    private readonly nats: NatsService,
  ) {}

  onModuleInit(): void {
    this.nats.subscribe<SettingsUpdatedEvent>(AuthEvents.settingsUpdated, (e) => this.invalidate(e.project_id));
    this.nats.onReconnect(() => this.invalidate());
  }

  async create(name: string, partnerId: string | null = null): Promise<ProjectView> {
    const id = randomUUID();
    await noSuchPartner(partnerId, () => this.repo.insert({ id, name, settings: {}, partnerId: partnerId?.toLowerCase() ?? null, archivedAt: null }));
    return view(await this.repo.findOneByOrFail({ id }));
  }

  async list(): Promise<ProjectView[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC' } })).map(view);
  }

  async require(projectId: string): Promise<ProjectEntity> {
    const row = isUuid(projectId) ? await this.repo.findOneBy({ id: projectId }) : null;
    if (!row) throw new RpcError(ErrorCodes.notFound, 'No such project');
    return row;
  }

  /** A project of this partner; another partner's answers exactly as a missing one. */
  async requireOfPartner(projectId: string, partnerId: string): Promise<ProjectEntity> {
    const row = isUuid(projectId) ? await this.repo.findOneBy({ id: projectId.toLowerCase(), partnerId }) : null;
    if (!row) throw new RpcError(ErrorCodes.notFound, 'No such project');
    return row;
  }

  async listOfPartner(partnerId: string, includeArchived = false): Promise<PortalProjectView[]> {
    const rows = await this.repo.find({ where: includeArchived ? { partnerId } : { partnerId, archivedAt: IsNull() }, order: { createdAt: 'ASC' } });
    return rows.map(portalView);
  }

  async rename(projectId: string, name: string): Promise<PortalProjectView> {
    await this.repo.update({ id: projectId }, { name });
    return portalView(await this.repo.findOneByOrFail({ id: projectId }));
  }

  /**
   * An archived project mints nothing: every instance's cached state is dropped
   * (the settings broadcast, as for a settings change), so its pairs are refused
   * at once everywhere. Archiving twice keeps the first date.
   */
  async archive(projectId: string): Promise<PortalProjectView> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ archivedAt: () => 'coalesce(archived_at, now())' })
      .where('id = :id', { id: projectId })
      .execute();
    this.invalidate(projectId);
    this.nats.publish(AuthEvents.settingsUpdated, { project_id: projectId } satisfies SettingsUpdatedEvent);
    await this.nats.flush();
    return portalView(await this.repo.findOneByOrFail({ id: projectId }));
  }

  /** The operator gives a project to a partner (its members see it from then on). */
  async assign(projectId: string, partnerId: string): Promise<ProjectView> {
    const row = await this.require(projectId);
    await noSuchPartner(partnerId, () => this.repo.update({ id: row.id }, { partnerId: partnerId.toLowerCase() }));
    return view(await this.repo.findOneByOrFail({ id: row.id }));
  }

  /**
   * Whether the project is archived, from the same cache as its settings (a mint
   * reads both): synchronous when cached, so the token path gains no await.
   */
  archived(projectId: string): boolean | Promise<boolean> {
    const cached = this.cache.get(projectId);
    if (cached && cached.until > Date.now()) return cached.archived;
    return this.load(projectId).then((s) => s.archived);
  }

  async settings(projectId: string): Promise<Readonly<ProjectSettings>> {
    const cached = this.cache.get(projectId);
    if (cached && cached.until > Date.now()) return cached.settings;
    return (await this.load(projectId)).settings;
  }

  private async load(projectId: string): Promise<{ settings: Readonly<ProjectSettings>; archived: boolean }> {
    // A broadcast that arrives while the row is being read wins: the read is not cached.
    const generation = this.generation;
    const row = await this.require(projectId);
    const state = { settings: deepFreeze(withDefaults(row.settings)), archived: row.archivedAt !== null };
    if (generation === this.generation) this.cache.set(projectId, { ...state, until: Date.now() + SETTINGS_CACHE_MS });
    return state;
  }

  /** Top-level keys of the patch replace the stored ones; optimistic versioning keeps concurrent patches. */
  async updateSettings(projectId: string, patch: SettingsUpdateRequest['patch']): Promise<ProjectSettings> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.require(projectId);
      // null clears a setting back to its default.
      const next: Record<string, unknown> = { ...row.settings, ...patch };
      for (const [k, v] of Object.entries(next)) if (v === null) delete next[k];
      const result = await this.repo
        .createQueryBuilder()
        .update()
        .set({ settings: next as any, version: row.version + 1 })
        .where('id = :id AND version = :version', { id: projectId, version: row.version })
        .execute();
      if (result.affected === 1) {
        this.invalidate(projectId);
        this.nats.publish(AuthEvents.settingsUpdated, { project_id: projectId } satisfies SettingsUpdatedEvent);
        await this.nats.flush();
        return withDefaults(next);
      }
    }
    throw new RpcError(ErrorCodes.conflict, 'The settings were changed concurrently; try again');
  }

  /**
   * Ends every live token of the project: tokens issued before the next whole
   * second are refused from now on, at every gateway (broadcast, and in the
   * revocation list a gateway loads when it starts). `iat` counts whole seconds,
   * so the answer waits for that second to begin: a token minted after the
   * answer is never caught by the cutoff it asked for.
   */
  async revokeTokens(projectId: string): Promise<ProjectTokensRevokedEvent> {
    await this.require(projectId);
    const notBefore = Math.floor(Date.now() / 1000) + 1;
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ tokensNotBefore: () => `greatest(coalesce(tokens_not_before, to_timestamp(0)), to_timestamp(${notBefore}))` })
      .where('id = :id', { id: projectId })
      .execute();
    const event: ProjectTokensRevokedEvent = { project_id: projectId, not_before: notBefore, until: notBefore + TOKEN_HORIZON_S };
    this.nats.publish(AuthEvents.projectTokensRevoked, { ...event, revoked_at_ms: Date.now() });
    await this.nats.flush();
    const wait = notBefore * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return event;
  }

  /** Project cutoffs that may still refuse a live token. */
  async activeCutoffs(now = Date.now()): Promise<ProjectTokensRevokedEvent[]> {
    const rows = await this.repo.find({
      where: { tokensNotBefore: MoreThan(new Date(now - TOKEN_HORIZON_S * 1000)) },
      select: { id: true, tokensNotBefore: true },
    });
    return rows.map((r) => {
      const notBefore = Math.floor((r.tokensNotBefore as Date).getTime() / 1000);
      return { project_id: r.id, not_before: notBefore, until: notBefore + TOKEN_HORIZON_S };
    });
  }

  async accessTokenTtl(projectId: string): Promise<number> {
    return (await this.settings(projectId)).access_token_ttl;
  }

  private invalidate(projectId?: string): void {
    this.generation++;
    if (projectId) this.cache.delete(projectId);
    else this.cache.clear();
  }
}

/** How long a cached copy may serve at most, broadcasts or not: one read per project and instance every 5 s. */
const SETTINGS_CACHE_MS = 5_000;

/** Cached copies are shared by every caller: nothing may change one in place. */
function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function withDefaults(stored: Record<string, unknown>): ProjectSettings {
  return { ...DEFAULT_SETTINGS, ...stored } as ProjectSettings;
}


/** A partner id that names no partner (malformed, or the foreign key refuses it) is `not_found`. */
async function noSuchPartner(partnerId: string | null, write: () => Promise<unknown>): Promise<void> {
  if (partnerId !== null && !isUuid(partnerId)) throw new RpcError(ErrorCodes.notFound, 'No such partner');
  try {
    await write();
  } catch (err) {
    if ((err as { code?: string }).code === '23503') throw new RpcError(ErrorCodes.notFound, 'No such partner');
    throw err;
  }
}

function view(row: ProjectEntity): ProjectView {
  return { project_id: row.id, name: row.name, created_at: row.createdAt.toISOString(), partner_id: row.partnerId };
}

function portalView(row: ProjectEntity): PortalProjectView {
  return { ...view(row), archived_at: row.archivedAt ? row.archivedAt.toISOString() : null };
}
