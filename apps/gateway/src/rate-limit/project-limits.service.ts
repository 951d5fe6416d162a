import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AuthEvents, AuthSubjects, ProjectSettings, SettingsGetRequest, SettingsUpdatedEvent } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** How long a project's limit is kept at most, broadcasts or not (a backstop for a lost broadcast). */
const LIMIT_CACHE_MS = 5_000;
/** When auth could not be asked, the default stands this long before auth is asked again. */
const FALLBACK_CACHE_MS = 1_000;

/**
 * Each project's `api_rate_limit` (requests per second), asked of auth once and
 * kept; dropped on the `settings.updated` broadcast, on a reconnect, and after
 * LIMIT_CACHE_MS. A project that set none has the deployment's default
 * (GATEWAY_RATE_LIMIT_DEFAULT), and so does one whose settings cannot be read
 * (auth away): never no limit.
 */
@Injectable()
export class ProjectLimitsService implements OnModuleInit {
  private readonly limits = new Map<string, { limit: number; until: number }>();
  private readonly loading = new Map<string, Promise<number>>();
  private generation = 0;

  constructor(
    private readonly nats: NatsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    this.nats.subscribe<SettingsUpdatedEvent>(AuthEvents.settingsUpdated, (e) => this.forget(e?.project_id));
    this.nats.onReconnect(() => this.forget());
  }

  /**
   * The limit when known; undefined when it must be loaded first. A limit past its
   * time (or from before a reconnect) still answers at once while a fresh one is
   * read in the background: a request never waits on auth for a limit it had, so
   * a broker or auth outage adds no wait to the requests that go on being served.
   */
  get(projectId: string): number | undefined {
    const known = this.limits.get(projectId);
    if (!known) return undefined;
    if (known.until <= Date.now()) void this.load(projectId);
    return known.limit;
  }

  load(projectId: string): Promise<number> {
    let pending = this.loading.get(projectId);
    if (!pending) {
      pending = this.read(projectId).finally(() => this.loading.delete(projectId));
      this.loading.set(projectId, pending);
    }
    return pending;
  }

  /** The effective limit of settings as auth answers them (absent: the default). */
  effective(settings: Pick<ProjectSettings, 'api_rate_limit'>): number {
    const limit = settings.api_rate_limit;
    return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : this.config.GATEWAY_RATE_LIMIT_DEFAULT;
  }

  private async read(projectId: string): Promise<number> {
    const generation = this.generation;
    let limit = this.config.GATEWAY_RATE_LIMIT_DEFAULT;
    let ttl = FALLBACK_CACHE_MS;
    try {
      const settings = await this.nats.request<ProjectSettings>(AuthSubjects.settingsGet, { project_id: projectId } satisfies SettingsGetRequest);
      limit = this.effective(settings);
      ttl = LIMIT_CACHE_MS;
    } catch {
      // auth away or the project gone: the default holds for a moment.
    }
    // A broadcast that arrived while auth was being asked wins: the answer may predate it.
    if (generation === this.generation) {
      if (this.limits.size >= 100_000) this.limits.clear();
      this.limits.set(projectId, { limit, until: Date.now() + ttl });
    }
    return limit;
  }

  /** One project's limit changed: read anew. A reconnect: every limit is re-read, the old ones serving meanwhile. */
  private forget(projectId?: string): void {
    this.generation++;
    if (typeof projectId === 'string') this.limits.delete(projectId);
    else for (const entry of this.limits.values()) entry.until = 0;
  }
}
