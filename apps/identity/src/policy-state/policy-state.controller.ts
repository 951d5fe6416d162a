import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EntityUserLookupRequest, IdentitySubjects, PolicyStateRequest } from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { PolicyStateService } from './policy-state.service';

@Controller()
@UseFilters(RpcLoggingFilter)
export class PolicyStateController {
  constructor(private readonly state: PolicyStateService) {}

  @MessagePattern(IdentitySubjects.policyStateGet)
  get(@Payload() req: PolicyStateRequest) {
    return this.state.state(req);
  }

  @MessagePattern(IdentitySubjects.entityUserLookup)
  lookup(@Payload() req: EntityUserLookupRequest) {
    return this.state.lookup(req);
  }
}
