import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ByIdRequest, EntityUserCreateRequest, EntityUserListRequest, EntityUserUpdateRequest, IdentitySubjects } from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { EntityUsersService } from './entity-users.service';

@Controller()
@UseFilters(RpcLoggingFilter)
export class EntityUsersController {
  constructor(private readonly users: EntityUsersService) {}

  @MessagePattern(IdentitySubjects.entityUserCreate)
  create(@Payload() req: EntityUserCreateRequest) {
    return this.users.create(req.access, req.body);
  }

  @MessagePattern(IdentitySubjects.entityUserList)
  list(@Payload() req: EntityUserListRequest) {
    return this.users.list(req);
  }

  @MessagePattern(IdentitySubjects.entityUserGet)
  get(@Payload() req: ByIdRequest) {
    return this.users.get(req.access, req.id);
  }

  @MessagePattern(IdentitySubjects.entityUserMe)
  me(@Payload() req: ByIdRequest) {
    return this.users.me(req.access, req.id);
  }

  @MessagePattern(IdentitySubjects.entityUserUpdate)
  update(@Payload() req: EntityUserUpdateRequest) {
    return this.users.update(req.access, req.id, req.body);
  }

  @MessagePattern(IdentitySubjects.entityUserDelete)
  async remove(@Payload() req: ByIdRequest) {
    await this.users.remove(req.access, req.id);
    return { deleted: true };
  }
}
