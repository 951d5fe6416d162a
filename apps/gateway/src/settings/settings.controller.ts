import { Body, Controller, Get, Patch, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthSubjects, ProjectSettings, SettingsGetRequest, SettingsUpdateRequest } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { ApiError } from '../http/api-error';
import { ProjectLimitsService } from '../rate-limit/project-limits.service';
import { CurrentPrincipal, Principal } from '../tokens/principal';
import { validateSettingsPatch } from '@gatehouse/platform';

/** GET/PATCH /v1/settings: the calling project's settings; partner tokens only. */
@Controller('v1/settings')
export class SettingsController {
  constructor(
    private readonly nats: NatsService,
    private readonly limits: ProjectLimitsService,
  ) {}

  @Get()
  async get(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest): Promise<ProjectSettings> {
    partnerOnly(principal);
    const settings = await this.nats.request<ProjectSettings>(AuthSubjects.settingsGet, { project_id: principal.projectId } satisfies SettingsGetRequest, {
      requestId: req.id,
    });
    return this.withEffectiveLimit(settings);
  }

  @Patch()
  async update(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Body() body: unknown): Promise<ProjectSettings> {
    partnerOnly(principal);
    const issues = validateSettingsPatch(body);
    if (issues.length) throw ApiError.validation(issues);
    const request: SettingsUpdateRequest = { project_id: principal.projectId, patch: body as Partial<ProjectSettings> };
    return this.withEffectiveLimit(await this.nats.request<ProjectSettings>(AuthSubjects.settingsUpdate, request, { requestId: req.id }));
  }

  /** A project that set no api_rate_limit has the deployment's default: the answer says which. */
  private withEffectiveLimit(settings: ProjectSettings): ProjectSettings {
    // Not `{ ...settings, api_rate_limit }`: in Node 20 a literal that adds a property after a spread is built by the runtime (~1 µs).
    const answer: ProjectSettings = Object.assign({}, settings);
    answer.api_rate_limit = this.limits.effective(settings);
    return answer;
  }
}

function partnerOnly(principal: Principal): void {
  if (principal.kind !== 'partner') throw ApiError.message(403, 'Only a partner token may use the project settings');
}
