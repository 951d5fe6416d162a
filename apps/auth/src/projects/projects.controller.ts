import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthSubjects,
  ProjectAssignRequest,
  ProjectCreateRequest,
  ProjectListResponse,
  ProjectRevokeTokensRequest,
  ProjectTokensRevokedEvent,
  ProjectSettings,
  ProjectView,
  SettingsGetRequest,
  SettingsUpdateRequest,
} from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { AuditTrailService } from '../audit/audit-trail.service';
import { ProjectsService } from './projects.service';

@Controller()
@UseFilters(RpcLoggingFilter)
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly trail: AuditTrailService,
  ) {}

  @MessagePattern(AuthSubjects.projectCreate)
  create(@Payload() req: ProjectCreateRequest): Promise<ProjectView> {
    // Trimmed, 1 to 200 characters: the contract's schema.
    return this.projects.create(req.name, req.partner_id ?? null);
  }

  /** Operator subject: a project (made before partners, or by the CLI) given to a partner. */
  @MessagePattern(AuthSubjects.projectAssign)
  assign(@Payload() req: ProjectAssignRequest): Promise<ProjectView> {
    return this.projects.assign(req.project_id, req.partner_id);
  }

  @MessagePattern(AuthSubjects.projectList)
  async list(): Promise<ProjectListResponse> {
    return { projects: await this.projects.list() };
  }

  /** Operator subject (the CLI): every live token of the project ends at once. */
  @MessagePattern(AuthSubjects.projectRevokeTokens)
  async revokeTokens(@Payload() req: ProjectRevokeTokensRequest): Promise<ProjectTokensRevokedEvent> {
    const event = await this.projects.revokeTokens(req.project_id);
    this.trail.record('project.tokens_revoked', { projectId: req.project_id, details: { not_before: event.not_before } });
    return event;
  }

  @MessagePattern(AuthSubjects.settingsGet)
  settings(@Payload() req: SettingsGetRequest): Promise<ProjectSettings> {
    return this.projects.settings(req.project_id);
  }

  /** The gateway validated the patch against the API schema; the values auth acts on are bounded by the contract's schema. */
  @MessagePattern(AuthSubjects.settingsUpdate)
  async update(@Payload() req: SettingsUpdateRequest): Promise<ProjectSettings> {
    const before = this.trail.enabled ? await this.projects.settings(req.project_id) : null;
    const after = await this.projects.updateSettings(req.project_id, req.patch);
    this.trail.record('settings.updated', { projectId: req.project_id, details: { before, after } });
    return after;
  }
}
