import { Body, Controller, Get, Patch, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthSubjects, ProjectSettings, SettingsGetRequest, SettingsUpdateRequest } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { ApiError } from '../http/api-error';
import { CurrentPrincipal, Principal } from '../tokens/principal';
import { validateSettingsPatch } from './settings-patch.validator';

/** GET/PATCH /v1/settings: the calling project's settings; partner tokens only. */
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly nats: NatsService) {}

  @Get()
  get(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest): Promise<ProjectSettings> {
    partnerOnly(principal);
    return this.nats.request(AuthSubjects.settingsGet, { project_id: principal.projectId } satisfies SettingsGetRequest, {
      requestId: req.id,
    });
  }

  @Patch()
  update(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Body() body: unknown): Promise<ProjectSettings> {
    partnerOnly(principal);
    const issues = validateSettingsPatch(body);
    if (issues.length) throw ApiError.validation(issues);
    const request: SettingsUpdateRequest = { project_id: principal.projectId, patch: body as Partial<ProjectSettings> };
    return this.nats.request(AuthSubjects.settingsUpdate, request, { requestId: req.id });
  }
}

function partnerOnly(principal: Principal): void {
  if (principal.kind !== 'partner') throw ApiError.message(403, 'Only a partner token may use the project settings');
}
