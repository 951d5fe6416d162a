import {
  AuthSubjects,
  ErrorCodes,
  IdentitySubjects,
  PolicyStateRequest,
  PolicyStateResponse,
  ProjectSettings,
  SettingsGetRequest,
} from '@gatehouse/contracts';
import { NatsService, RemoteError } from '@gatehouse/platform';
import type { StateSource } from './state';

const NOT_FOUND: PolicyStateResponse = Object.freeze({ entity: null, user: null, roles: [] }) as PolicyStateResponse;

/**
 * The read model's source over NATS: identity for entity, user and roles, auth
 * for project settings. Failures propagate (the caller fails closed); only a
 * `not_found` answer is read as "nothing there", which can only deny.
 */
export class NatsStateSource implements StateSource {
  constructor(
    private readonly nats: NatsService,
    private readonly timeoutMs: number,
  ) {}

  async policyState(req: PolicyStateRequest, requestId?: string): Promise<PolicyStateResponse> {
    try {
      return await this.nats.request<PolicyStateResponse>(IdentitySubjects.policyStateGet, req, { requestId, timeoutMs: this.timeoutMs });
    } catch (err) {
      if (err instanceof RemoteError && err.code === ErrorCodes.notFound) return NOT_FOUND;
      throw err;
    }
  }

  async projectSettings(projectId: string, requestId?: string): Promise<ProjectSettings | null> {
    try {
      return await this.nats.request<ProjectSettings>(
        AuthSubjects.settingsGet,
        { project_id: projectId } satisfies SettingsGetRequest,
        { requestId, timeoutMs: this.timeoutMs },
      );
    } catch (err) {
      if (err instanceof RemoteError && err.code === ErrorCodes.notFound) return null;
      throw err;
    }
  }
}
