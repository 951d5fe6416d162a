import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ACCESS_TOKEN_TTL_MAX,
  ACCESS_TOKEN_TTL_MIN,
  API_RATE_LIMIT_MAX,
  API_RATE_LIMIT_MIN,
  AuthSubjects,
  ErrorCodes,
  ProjectCreateRequest,
  ProjectListResponse,
  ProjectRevokeTokensRequest,
  ProjectTokensRevokedEvent,
  ProjectSettings,
  ProjectView,
  SettingsGetRequest,
  SettingsUpdateRequest,
} from '@gatehouse/contracts';
import { RpcError, RpcLoggingFilter } from '@gatehouse/platform';
import { ProjectsService } from './projects.service';

@Controller()
@UseFilters(RpcLoggingFilter)
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @MessagePattern(AuthSubjects.projectCreate)
  create(@Payload() req: ProjectCreateRequest): Promise<ProjectView> {
    const name = typeof req?.name === 'string' ? req.name.trim() : '';
    if (name.length < 1 || name.length > 200) {
      throw new RpcError(ErrorCodes.validationFailed, 'A project name of 1 to 200 characters is required');
    }
    return this.projects.create(name);
  }

  @MessagePattern(AuthSubjects.projectList)
  async list(): Promise<ProjectListResponse> {
    return { projects: await this.projects.list() };
  }

  /** Operator subject (the CLI): every live token of the project ends at once. */
  @MessagePattern(AuthSubjects.projectRevokeTokens)
  revokeTokens(@Payload() req: ProjectRevokeTokensRequest): Promise<ProjectTokensRevokedEvent> {
    return this.projects.revokeTokens(String(req?.project_id ?? ''));
  }

  @MessagePattern(AuthSubjects.settingsGet)
  settings(@Payload() req: SettingsGetRequest): Promise<ProjectSettings> {
    return this.projects.settings(String(req?.project_id ?? ''));
  }

  /** The gateway validated the patch against the API schema; the values auth acts on are checked again here. */
  @MessagePattern(AuthSubjects.settingsUpdate)
  update(@Payload() req: SettingsUpdateRequest): Promise<ProjectSettings> {
    const patch = req?.patch;
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new RpcError(ErrorCodes.validationFailed, 'patch must be an object');
    }
    if ('access_token_ttl' in patch && patch.access_token_ttl !== null) {
      const ttl = patch.access_token_ttl;
      if (!Number.isInteger(ttl) || (ttl as number) < ACCESS_TOKEN_TTL_MIN || (ttl as number) > ACCESS_TOKEN_TTL_MAX) {
        throw new RpcError(ErrorCodes.validationFailed, 'access_token_ttl must be an integer from 60 to 86400');
      }
    }
    if ('api_rate_limit' in patch && patch.api_rate_limit !== null) {
      const limit = patch.api_rate_limit;
      if (!Number.isInteger(limit) || (limit as number) < API_RATE_LIMIT_MIN || (limit as number) > API_RATE_LIMIT_MAX) {
        throw new RpcError(ErrorCodes.validationFailed, `api_rate_limit must be an integer from ${API_RATE_LIMIT_MIN} to ${API_RATE_LIMIT_MAX}`);
      }
    }
    return this.projects.updateSettings(String(req?.project_id ?? ''), patch);
  }
}
