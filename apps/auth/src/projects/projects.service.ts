import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import {
  ACCESS_TOKEN_TTL_DEFAULT,
  AuthEvents,
  ErrorCodes,
  isUuid,
  ProjectSettings,
  ProjectView,
  SettingsUpdatedEvent,
} from '@gatehouse/contracts';
import { NatsService, RpcError } from '@gatehouse/platform';
import { ProjectEntity } from './project.entity';

const DEFAULT_SETTINGS: ProjectSettings = { access_token_ttl: ACCESS_TOKEN_TTL_DEFAULT, default_role: null };

/**
 * Projects and their settings. The token lifetime is read on every mint, so it
 * is cached per project and dropped on the `settings.updated` broadcast.
 */
@Injectable()
export class ProjectsService implements OnModuleInit {
  private readonly ttlCache = new Map<string, number>();
  private generation = 0;

  constructor(
    @InjectRepository(ProjectEntity) private readonly repo: Repository<ProjectEntity>,
    private readonly nats: NatsService,
  ) {}

  onModuleInit(): void {
    this.nats.subscribe<SettingsUpdatedEvent>(AuthEvents.settingsUpdated, (e) => this.invalidate(e.project_id));
    this.nats.onReconnect(() => this.invalidate());
  }

  async create(name: string): Promise<ProjectView> {
    const id = randomUUID();
    await this.repo.insert({ id, name, settings: {} });
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

  async settings(projectId: string): Promise<ProjectSettings> {
    return withDefaults((await this.require(projectId)).settings);
  }

  /** Top-level keys of the patch replace the stored ones; optimistic versioning keeps concurrent patches. */
  async updateSettings(projectId: string, patch: Partial<ProjectSettings>): Promise<ProjectSettings> {
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

  async accessTokenTtl(projectId: string): Promise<number> {
    const cached = this.ttlCache.get(projectId);
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const ttl = (await this.settings(projectId)).access_token_ttl;
    if (generation === this.generation) this.ttlCache.set(projectId, ttl);
    return ttl;
  }

  private invalidate(projectId?: string): void {
    this.generation++;
    if (projectId) this.ttlCache.delete(projectId);
    else this.ttlCache.clear();
  }
}

function withDefaults(stored: Record<string, unknown>): ProjectSettings {
  return { ...DEFAULT_SETTINGS, ...stored } as ProjectSettings;
}


function view(row: ProjectEntity): ProjectView {
  return { project_id: row.id, name: row.name, created_at: row.createdAt.toISOString() };
}
