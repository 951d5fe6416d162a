import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ByIdRequest, IdentitySubjects, RoleCreateRequest, RoleListRequest, RoleUpdateRequest } from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { RolesService } from './roles.service';

@Controller()
@UseFilters(RpcLoggingFilter)
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @MessagePattern(IdentitySubjects.roleCreate)
  create(@Payload() req: RoleCreateRequest) {
    return this.roles.create(req.access, req.body);
  }

  @MessagePattern(IdentitySubjects.roleList)
  list(@Payload() req: RoleListRequest) {
    return this.roles.list(req);
  }

  @MessagePattern(IdentitySubjects.roleGet)
  get(@Payload() req: ByIdRequest) {
    return this.roles.get(req.access, req.id);
  }

  @MessagePattern(IdentitySubjects.roleUpdate)
  update(@Payload() req: RoleUpdateRequest) {
    return this.roles.update(req.access, req.id, req.body);
  }

  @MessagePattern(IdentitySubjects.roleDelete)
  async remove(@Payload() req: ByIdRequest) {
    await this.roles.remove(req.access, req.id);
    return { deleted: true };
  }
}
