import { Controller, Inject, UseFilters } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  CheckBatchResponse,
  CheckResponse,
  EffectiveRoleResponse,
  ErrorCodes,
  Headers,
  PolicySubjects,
} from '@gatehouse/contracts';
import { RpcError, RpcLoggingFilter } from '@gatehouse/platform';
import { POLICY_CONFIG, PolicyConfig } from '../config';
import { PolicyService } from './policy.service';
import { parseBatch, parseCheck, parsePrincipal } from './requests';

@Controller()
@UseFilters(RpcLoggingFilter)
export class PolicyController {
  constructor(
    private readonly policy: PolicyService,
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
  ) {}

  @MessagePattern(PolicySubjects.check)
  check(@Payload() req: unknown, @Ctx() ctx: NatsContext): Promise<CheckResponse> {
    return this.policy.check(parseCheck(req), requestIdOf(ctx));
  }

  @MessagePattern(PolicySubjects.checkBatch)
  async checkBatch(@Payload() req: unknown, @Ctx() ctx: NatsContext): Promise<CheckBatchResponse> {
    return { results: await this.policy.checkBatch(parseBatch(req, this.config.POLICY_BATCH_MAX), requestIdOf(ctx)) };
  }

  @MessagePattern(PolicySubjects.effectiveRole)
  effectiveRole(@Payload() req: unknown, @Ctx() ctx: NatsContext): Promise<EffectiveRoleResponse> {
    if (typeof req !== 'object' || req === null) throw new RpcError(ErrorCodes.validationFailed, 'request must be an object');
    return this.policy.effectiveRole(parsePrincipal((req as { principal?: unknown }).principal), requestIdOf(ctx));
  }
}

function requestIdOf(ctx: NatsContext | undefined): string | undefined {
  return ctx?.getHeaders?.()?.get(Headers.requestId) || undefined;
}
