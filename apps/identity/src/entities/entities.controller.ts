import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ByIdRequest,
  EntityCreateRequest,
  EntityListRequest,
  EntitySettingsUpdateRequest,
  EntityUpdateRequest,
  IdentitySubjects,
} from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { EntitiesService } from './entities.service';

/** Every payload arrives parsed with its subject's schema (the contracts' subject table): typed, bounded, formats checked. */
@Controller()
@UseFilters(RpcLoggingFilter)
export class EntitiesController {
  constructor(private readonly entities: EntitiesService) {}

  @MessagePattern(IdentitySubjects.entityCreate)
  create(@Payload() req: EntityCreateRequest) {
    return this.entities.create(req.access, req.body);
  }

  @MessagePattern(IdentitySubjects.entityList)
  list(@Payload() req: EntityListRequest) {
    return this.entities.list(req);
  }

  @MessagePattern(IdentitySubjects.entityGet)
  get(@Payload() req: ByIdRequest) {
    return this.entities.get(req.access, req.id);
  }

  @MessagePattern(IdentitySubjects.entityUpdate)
  update(@Payload() req: EntityUpdateRequest) {
    return this.entities.update(req.access, req.id, req.body);
  }

  @MessagePattern(IdentitySubjects.entityActivate)
  activate(@Payload() req: ByIdRequest) {
    return this.entities.setStatus(req.access, req.id, 'active');
  }

  @MessagePattern(IdentitySubjects.entityDeactivate)
  deactivate(@Payload() req: ByIdRequest) {
    return this.entities.setStatus(req.access, req.id, 'inactive');
  }

  @MessagePattern(IdentitySubjects.entitySettingsGet)
  settings(@Payload() req: ByIdRequest) {
    return this.entities.settings(req.access, req.id);
  }

  @MessagePattern(IdentitySubjects.entitySettingsUpdate)
  updateSettings(@Payload() req: EntitySettingsUpdateRequest) {
    return this.entities.updateSettings(req.access, req.id, req.body);
  }
}
