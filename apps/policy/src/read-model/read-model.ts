import { LRUCache } from 'lru-cache';
import { recordLookup } from './read-model.metrics';
import type {
  InvalidatedEvent,
  PolicyEntityState,
  PolicyStateRequest,
  PolicyUserState,
} from '@gatehouse/contracts';
import {
  lower,
  normalizeState,
  ProjectDefaultRole,
  projectDefaultRoleOf,
  RoleEntry,
  StateSource,
  SubjectState,
  toRoleEntry,
} from './state';

export interface ReadModelOptions {
  /** Upper bound of each cache (and of the tombstones). */
  maxEntries: number;
  /** Safety-net expiry of cached entries, in ms; 0 = none. Freshness comes from invalidations. */
  ttlMs: number;
}

/** What an invalidation left behind: when it happened, and the record version it announced. */
interface Tombstone {
  /** The model's epoch right after the invalidation. */
  epoch: number;
  /** The record's version after the change; NaN when the record has no version (project settings). */
  version: number;
}

interface Inflight<T> {
  /** The entity (or, for settings, the project) the fetch is about: invalidations drop it from the map. */
  scope: string;
  promise: Promise<T>;
}

/** identity's answer, normalized, with its roles compiled. */
interface Fetched {
  entity: PolicyEntityState | null;
  user: PolicyUserState | null;
  roles: ReadonlyMap<string, RoleEntry>;
}

interface Box<T> {
  value: T;
}

const EMPTY_ROLES: ReadonlyMap<string, RoleEntry> = new Map();
const NOTHING: SubjectState = Object.freeze({ entity: null, user: null, roles: EMPTY_ROLES });

/** Counters for tests and metrics. */
export interface ReadModelStats {
  stateFetches: number;
  settingsFetches: number;
  /** Fetched records not stored because an invalidation, a newer version or a clear overtook them. */
  staleDropped: number;
}

/**
 * The policy service's in-memory read model of identity (entities, entity users,
 * roles) and auth (project default roles). Nothing is durable: a miss asks the
 * owner, and identity's invalidation broadcasts drop what changed.
 *
 * Freshness rules (each one has a test in read-model.spec.ts):
 * - An invalidation drops the entry AND leaves a tombstone (epoch, version).
 *   A fetch remembers the epoch it started in; its result is stored only when
 *   no invalidation of that record came meanwhile, or the fetched version is at
 *   least the one the invalidation announced. A version-less record (project
 *   settings) is stored only when no invalidation came meanwhile.
 * - A cached entry is never replaced by one with a lower version.
 * - Concurrent misses for the same key share one request; an invalidation
 *   detaches the in-flight request of its entity, so a question asked after the
 *   invalidation never joins a fetch that started before it.
 * - `clear()` (on NATS disconnect / reconnect, when invalidations may have been
 *   missed) drops everything and refuses to store what was in flight.
 * - When a tombstone is evicted (bounded memory), fetches that started before
 *   it are refused storage: conservative, never stale.
 */
export class ReadModel {
  private epoch = 0;
  /** Fetches that started before this epoch store nothing (a clear happened since). */
  private clearedAt = 0;
  /** Fetches that started before this epoch store nothing (a tombstone they might need was evicted). */
  private evictedAt = 0;

  private readonly entities: LRUCache<string, PolicyEntityState>;
  private readonly users: LRUCache<string, PolicyUserState>;
  private readonly roles: LRUCache<string, RoleEntry>;
  private readonly projectDefaults: LRUCache<string, Box<ProjectDefaultRole | null>>;
  private readonly tombstones: LRUCache<string, Tombstone>;

  private readonly stateInflight = new Map<string, Inflight<Fetched>>();
  private readonly settingsInflight = new Map<string, Inflight<ProjectDefaultRole | null>>();

  readonly stats: ReadModelStats = { stateFetches: 0, settingsFetches: 0, staleDropped: 0 };

  constructor(
    private readonly source: StateSource,
    options: ReadModelOptions,
  ) {
    const cacheOptions = { max: options.maxEntries, ...(options.ttlMs > 0 ? { ttl: options.ttlMs } : {}) };
    this.entities = new LRUCache(cacheOptions);
    this.users = new LRUCache(cacheOptions);
    this.roles = new LRUCache(cacheOptions);
    this.projectDefaults = new LRUCache(cacheOptions);
    this.tombstones = new LRUCache<string, Tombstone>({
      max: options.maxEntries,
      dispose: (t, _key, reason) => {
        if (reason === 'evict') this.evictedAt = Math.max(this.evictedAt, t.epoch);
      },
    });
  }

  /** Cached entries, for tests and metrics. */
  get size(): { entities: number; users: number; roles: number; projectDefaults: number } {
    return {
      entities: this.entities.size,
      users: this.users.size,
      roles: this.roles.size,
      projectDefaults: this.projectDefaults.size,
    };
  }

  // ------------------------------------------------------------------ reads

  /** The entity, when it belongs to the project; null otherwise. */
  async entity(projectId: string, entityId: string, requestId?: string): Promise<PolicyEntityState | null> {
    const p = lower(projectId);
    const e = lower(entityId);
    const cached = this.entities.get(e);
    recordLookup('entity', cached !== undefined);
    if (cached !== undefined) return cached.project_id === p ? cached : null;
    const res = await this.fetchState({ project_id: p, entity_id: e, entity_user_id: null }, requestId);
    return entityIn(res, p, e);
  }

  /** The entity, the user and the roles that may decide for that user, from cache or in one request to identity. */
  async subject(projectId: string, entityId: string, entityUserId: string, requestId?: string): Promise<SubjectState> {
    const p = lower(projectId);
    const e = lower(entityId);
    const u = lower(entityUserId);
    const hit = this.subjectFromCache(p, e, u);
    recordLookup('subject', hit !== undefined);
    if (hit !== undefined) return hit;
    const res = await this.fetchState({ project_id: p, entity_id: e, entity_user_id: u }, requestId);
    const entity = entityIn(res, p, e);
    if (entity === null) return NOTHING;
    const user = res.user && res.user.id === u && res.user.entity_id === e ? res.user : null;
    return { entity, user, roles: res.roles };
  }

  /** The project's default role (auth's project settings), null when it has none. */
  async projectDefaultRole(projectId: string, requestId?: string): Promise<ProjectDefaultRole | null> {
    const p = lower(projectId);
    const cached = this.projectDefaults.get(p);
    recordLookup('project_default', cached !== undefined);
    if (cached !== undefined) return cached.value;
    const inflight = this.settingsInflight.get(p);
    if (inflight !== undefined) return inflight.promise;
    const start = this.epoch;
    this.stats.settingsFetches++;
    const promise = this.source.projectSettings(p, requestId).then((settings) => {
      const value = projectDefaultRoleOf(settings);
      if (this.accepts(`project:${p}`, NaN, start)) this.projectDefaults.set(p, { value });
      else this.stats.staleDropped++;
      return value;
    });
    this.track(this.settingsInflight, p, { scope: p, promise });
    return promise;
  }

  // ---------------------------------------------------------- invalidation

  /** identity.v1.invalidated: drop the record and remember its version. */
  invalidate(event: InvalidatedEvent): void {
    const kind = event?.kind;
    const id = typeof event?.id === 'string' ? event.id.toLowerCase() : '';
    const entityId = typeof event?.entity_id === 'string' ? event.entity_id.toLowerCase() : '';
    const version = typeof event?.version === 'number' && Number.isFinite(event.version) ? event.version : NaN;
    // Cannot tell what changed: forget everything.
    if (!id && (!entityId || kind === 'entity_user' || kind === 'role')) return this.clear();
    const epoch = ++this.epoch;
    switch (kind) {
      case 'entity':
      case 'entity_settings': {
        const target = kind === 'entity' ? id || entityId : entityId || id;
        this.entities.delete(target);
        if (id && id !== target) this.entities.delete(id);
        this.tombstone(`${kind}:${target}`, epoch, version);
        break;
      }
      case 'entity_user':
        this.users.delete(id);
        this.tombstone(`entity_user:${id}`, epoch, version);
        break;
      case 'role':
        this.roles.delete(id);
        this.tombstone(`role:${id}`, epoch, version);
        break;
      default:
        return this.clear();
    }
    // A question asked from now on must not join a fetch that started before.
    if (entityId) this.detach(this.stateInflight, entityId);
    else this.stateInflight.clear();
  }

  /** auth.v1.events.settings.updated: the project's default role may have changed. */
  invalidateProject(projectId: string | undefined): void {
    if (typeof projectId !== 'string' || !projectId) {
      // Unknown project: forget every project default.
      ++this.epoch;
      this.clearedAt = this.epoch;
      this.projectDefaults.clear();
      this.settingsInflight.clear();
      return;
    }
    const p = projectId.toLowerCase();
    const epoch = ++this.epoch;
    this.projectDefaults.delete(p);
    this.tombstone(`project:${p}`, epoch, NaN);
    this.settingsInflight.delete(p);
  }

  /** Forget everything (NATS reconnect: invalidations may have been missed). In-flight fetches store nothing. */
  clear(): void {
    this.clearedAt = ++this.epoch;
    this.entities.clear();
    this.users.clear();
    this.roles.clear();
    this.projectDefaults.clear();
    this.stateInflight.clear();
    this.settingsInflight.clear();
  }

  // -------------------------------------------------------------- internals

  private subjectFromCache(p: string, e: string, u: string): SubjectState | undefined {
    const entity = this.entities.get(e);
    if (entity === undefined) return undefined;
    if (entity.project_id !== p) return NOTHING;
    const cachedUser = this.users.get(u);
    if (cachedUser === undefined) return undefined;
    const user = cachedUser.entity_id === e ? cachedUser : null;
    let roles = EMPTY_ROLES;
    let own: RoleEntry | undefined;
    if (user?.role_id) {
      own = this.roles.get(user.role_id);
      if (own === undefined) return undefined;
      roles = new Map([[own.state.id, own]]);
    }
    const ownApplies = own !== undefined && own.state.status !== 'deleted' && own.state.entity_id === e;
    if (!ownApplies && entity.default_role_id) {
      const def = this.roles.get(entity.default_role_id);
      if (def === undefined) return undefined;
      roles = new Map(roles);
      (roles as Map<string, RoleEntry>).set(def.state.id, def);
    }
    return { entity, user, roles };
  }

  /** One request per (project, entity, user) at a time; the answer is stored record by record, guarded. */
  private fetchState(req: PolicyStateRequest, requestId?: string): Promise<Fetched> {
    const key = `${req.project_id}|${req.entity_id}|${req.entity_user_id ?? ''}`;
    const inflight = this.stateInflight.get(key);
    if (inflight !== undefined) return inflight.promise;
    const start = this.epoch;
    this.stats.stateFetches++;
    const promise = this.source.policyState(req, requestId).then((raw) => {
      const res = normalizeState(raw);
      const fetched: Fetched = { entity: res.entity, user: res.user, roles: new Map(res.roles.map((r) => [r.id, toRoleEntry(r)])) };
      this.store(fetched, start);
      return fetched;
    });
    this.track(this.stateInflight, key, { scope: req.entity_id, promise });
    return promise;
  }

  private track<T>(map: Map<string, Inflight<T>>, key: string, entry: Inflight<T>): void {
    map.set(key, entry);
    const done = () => {
      if (map.get(key) === entry) map.delete(key);
    };
    entry.promise.then(done, done);
  }

  private detach<T>(map: Map<string, Inflight<T>>, scope: string): void {
    for (const [key, f] of map) if (f.scope === scope) map.delete(key);
  }

  private store(res: Fetched, start: number): void {
    const next = res.entity;
    if (next) {
      const id = next.id;
      const current = this.entities.peek(id);
      const newer = current === undefined || (next.version >= current.version && next.settings_version >= current.settings_version);
      if (newer && this.accepts(`entity:${id}`, next.version, start) && this.accepts(`entity_settings:${id}`, next.settings_version, start)) {
        this.entities.set(id, next);
      } else this.stats.staleDropped++;
    }
    const user = res.user;
    if (user) {
      const id = user.id;
      const current = this.users.peek(id);
      if ((current === undefined || user.version >= current.version) && this.accepts(`entity_user:${id}`, user.version, start)) {
        this.users.set(id, user);
      } else this.stats.staleDropped++;
    }
    for (const [id, entry] of res.roles) {
      const current = this.roles.peek(id);
      const version = entry.state.version;
      if ((current === undefined || version >= current.state.version) && this.accepts(`role:${id}`, version, start)) {
        this.roles.set(id, entry);
      } else this.stats.staleDropped++;
    }
  }

  /** May a record fetched from `start` on, at `version`, be stored under `key`? */
  private accepts(key: string, version: number, start: number): boolean {
    if (this.clearedAt > start || this.evictedAt > start) return false;
    const t = this.tombstones.peek(key);
    if (t === undefined) return true;
    // With versions on both sides, the version decides: at least as new as the change announced.
    if (Number.isFinite(t.version) && typeof version === 'number' && Number.isFinite(version)) return version >= t.version;
    // Otherwise only a fetch that started after the invalidation.
    return t.epoch <= start;
  }

  private tombstone(key: string, epoch: number, version: number): void {
    const prev = this.tombstones.peek(key);
    // An older invalidation arriving late never lowers the bar; one without a version falls back to the epoch rule.
    const v = Number.isFinite(version) && prev !== undefined && prev.version > version ? prev.version : version;
    this.tombstones.set(key, { epoch, version: v });
  }
}

/** The answer's entity, when it is the one asked for and belongs to the project (identity answers null otherwise). */
function entityIn(res: Fetched, projectId: string, entityId: string): PolicyEntityState | null {
  const e = res.entity;
  return e && e.id === entityId && e.project_id === projectId ? e : null;
}
