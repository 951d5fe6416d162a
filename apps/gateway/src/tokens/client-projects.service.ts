import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AuthSubjects, ClientGetRequest, ClientGetResponse } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';

/** Client ids whose project is kept: a pair never changes project, so an entry never goes stale. */
const CACHE_SIZE = 100_000;

/**
 * The project of each credential pair, asked of auth once per client id and
 * kept: a token's `project_id` must be its client's project (defence in depth
 * for a token signed with our own key). Unknown ids are not kept, so a pair
 * created after a first miss is found on its first token.
 */
@Injectable()
export class ClientProjectsService {
  private readonly projects = new LRUCache<string, string>({ max: CACHE_SIZE });

  constructor(private readonly nats: NatsService) {}

  /** The client's project if already known here (no round trip); undefined otherwise. */
  known(clientId: string): string | undefined {
    return this.projects.get(clientId);
  }

  /** A client's project learnt another way (from a token auth just minted for it). */
  remember(clientId: string, projectId: string): void {
    this.projects.set(clientId, projectId);
  }

  /** The client's project; null when auth knows no such client. Throws when auth cannot be asked. */
  async projectOf(clientId: string): Promise<string | null> {
    const known = this.projects.get(clientId);
    if (known !== undefined) return known;
    const { project_id } = await this.nats.request<ClientGetResponse>(AuthSubjects.clientGet, { client_id: clientId } satisfies ClientGetRequest);
    if (project_id !== null) this.projects.set(clientId, project_id);
    return project_id;
  }
}
