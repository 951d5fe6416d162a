import type { FastifyRequest } from 'fastify';
import { ByIdRequest, CreateRequest, Headers, ListRequest, Page, UpdateRequest } from '@gatehouse/contracts';
import type { NatsService } from '@gatehouse/platform';
import type { Principal } from '../tokens/principal';
import type { AccessService, Intent } from './access-context.service';
import type { Body } from './bodies';
import { resolveEntityId } from './entity-header';
import type { ListQuery } from './list-query';
import { parsePathId } from './path-params';
import { ensureValid, Parsed } from './validation';

/** Writes carry the caller's escalation ceiling. */
const WRITE = { withCeiling: true } as const;

/** What differs between the entity-scoped collections (entity users, roles). */
export interface ScopedResourceSpec<F> {
  objectType: Intent['objectType'];
  /** The path parameter's name, for 422 locations: `entity_user_id`, `role_id`. */
  idParam: string;
  subjects: { create: string; list: string; get: string; update: string; delete: string };
  parseCreate: (raw: unknown) => Parsed<Body>;
  parseUpdate: (raw: unknown) => Parsed<Body>;
  parseList: (raw: unknown) => Parsed<ListQuery<F>>;
}

/**
 * The five operations of an entity-scoped collection, each as: parse and
 * validate (path, query, x-monite-entity-id, body: one 422 for all) →
 * access context (one policy decision; for writes, with the caller's ceiling,
 * which identity's escalation guard checks in the write's transaction) →
 * identity over NATS → identity's view, unchanged.
 */
export class EntityScopedResource<V, F> {
  constructor(
    private readonly nats: NatsService,
    private readonly access: AccessService,
    private readonly spec: ScopedResourceSpec<F>,
  ) {}

  async create(principal: Principal, req: FastifyRequest, raw: unknown): Promise<V> {
    const entity = entityOf(principal, req);
    const body = this.spec.parseCreate(raw);
    ensureValid(entity, body);
    const access = await this.access.contextFor(principal, entity.value, this.intent('create'), req.id, WRITE);
    return this.send(this.spec.subjects.create, { access, body: body.value } satisfies CreateRequest<Body>, req);
  }

  async list(principal: Principal, req: FastifyRequest, rawQuery: unknown): Promise<Page<V>> {
    const query = this.spec.parseList(rawQuery);
    const entity = entityOf(principal, req);
    ensureValid(query, entity);
    const access = await this.access.contextFor(principal, entity.value, this.intent('read'), req.id);
    return this.send(this.spec.subjects.list, { access, ...query.value } satisfies ListRequest<F>, req);
  }

  async get(principal: Principal, req: FastifyRequest, rawId: string): Promise<V> {
    const id = parsePathId(this.spec.idParam, rawId);
    const entity = entityOf(principal, req);
    ensureValid(id, entity);
    const access = await this.access.contextFor(principal, entity.value, this.intent('read'), req.id);
    return this.send(this.spec.subjects.get, { access, id: id.value } satisfies ByIdRequest, req);
  }

  async update(principal: Principal, req: FastifyRequest, rawId: string, raw: unknown): Promise<V> {
    const id = parsePathId(this.spec.idParam, rawId);
    const entity = entityOf(principal, req);
    const body = this.spec.parseUpdate(raw);
    ensureValid(id, entity, body);
    const access = await this.access.contextFor(principal, entity.value, this.intent('update'), req.id, WRITE);
    return this.send(this.spec.subjects.update, { access, id: id.value, body: body.value } satisfies UpdateRequest<Body>, req);
  }

  /** Identity's reply is not passed on: the route answers 204 with no body. */
  async delete(principal: Principal, req: FastifyRequest, rawId: string): Promise<void> {
    const id = parsePathId(this.spec.idParam, rawId);
    const entity = entityOf(principal, req);
    ensureValid(id, entity);
    const access = await this.access.contextFor(principal, entity.value, this.intent('delete'), req.id, WRITE);
    await this.send(this.spec.subjects.delete, { access, id: id.value } satisfies ByIdRequest, req);
  }

  private intent(action: Intent['action']): Intent {
    return { objectType: this.spec.objectType, action };
  }

  private send<T>(subject: string, payload: unknown, req: FastifyRequest): Promise<T> {
    return this.nats.request<T>(subject, payload, { requestId: req.id });
  }
}

function entityOf(principal: Principal, req: FastifyRequest): Parsed<string> {
  return resolveEntityId(principal, req.headers[Headers.entityId]);
}
