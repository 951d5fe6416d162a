import { randomUUID } from 'node:crypto';
import type { SystemHandle as TestSystem } from './system-handle';

export const ORG = (n = randomUUID().slice(0, 8)) => ({
  type: 'organization',
  email: `org-${n}@example.com`,
  address: { country: 'DE', city: 'Berlin', postal_code: '10115', line1: 'Unter den Linden 1' },
  organization: { legal_name: `Acme ${n} GmbH` },
});

export const INDIVIDUAL = () => ({
  type: 'individual',
  email: `person-${randomUUID().slice(0, 8)}@example.com`,
  address: { country: 'DE', city: 'Hamburg', postal_code: '20095', line1: 'Jungfernstieg 7' },
  individual: { first_name: 'Ada', last_name: 'Lovelace' },
});

export const ROLE = (name = `role-${randomUUID().slice(0, 8)}`, permission = 'allowed') => ({
  name,
  permissions: {
    objects: [
      {
        object_type: 'entity_user',
        actions: ['create', 'read', 'update', 'delete'].map((action_name) => ({ action_name, permission })),
      },
    ],
  },
});

export interface Partner {
  project_id: string;
  client_id: string;
  client_secret: string;
  token: string;
}

export async function partner(sys: TestSystem): Promise<Partner> {
  const cred = await sys.createPartner();
  return { ...cred, token: await sys.partnerToken(cred) };
}

/** Calls for one partner, entity-scoped calls with x-monite-entity-id. */
export class Api {
  constructor(
    private readonly sys: TestSystem,
    readonly token: string,
  ) {}

  entityHeaders(entityId: string) {
    return { 'x-monite-entity-id': entityId };
  }

  async createEntity(body: unknown = ORG()) {
    return this.sys.http.post('/v1/entities', { token: this.token, json: body });
  }

  async entity(body: unknown = ORG()): Promise<any> {
    const res = await this.createEntity(body);
    if (res.status !== 201) throw new Error(`create entity: ${res.status} ${res.text}`);
    return res.json;
  }

  async role(entityId: string, body: unknown = ROLE()): Promise<any> {
    const res = await this.sys.http.post('/v1/roles', { token: this.token, json: body, headers: this.entityHeaders(entityId) });
    if (res.status !== 200 && res.status !== 201) throw new Error(`create role: ${res.status} ${res.text}`);
    return res.json;
  }

  async user(entityId: string, body: Record<string, unknown> = {}): Promise<any> {
    const res = await this.sys.http.post('/v1/entity_users', {
      token: this.token,
      json: { login: `u-${randomUUID().slice(0, 12)}`, first_name: 'Casey', ...body },
      headers: this.entityHeaders(entityId),
    });
    if (res.status !== 200 && res.status !== 201) throw new Error(`create user: ${res.status} ${res.text}`);
    return res.json;
  }

  get(path: string, entityId?: string) {
    return this.sys.http.get(path, { token: this.token, headers: entityId ? this.entityHeaders(entityId) : {} });
  }

  post(path: string, json: unknown, entityId?: string) {
    return this.sys.http.post(path, { token: this.token, json, headers: entityId ? this.entityHeaders(entityId) : {} });
  }

  patch(path: string, json: unknown, entityId?: string) {
    return this.sys.http.patch(path, { token: this.token, json, headers: entityId ? this.entityHeaders(entityId) : {} });
  }

  delete(path: string, entityId?: string) {
    return this.sys.http.delete(path, { token: this.token, headers: entityId ? this.entityHeaders(entityId) : {} });
  }
}
