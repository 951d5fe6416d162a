import { Controller, Inject, UseFilters } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  CheckBatchRequest,
  CheckBatchResponse,
  CheckRequest,
  CheckResponse,
  EffectiveRoleRequest,
  EffectiveRoleResponse,
  ErrorCodes,
  Headers,
  PolicySubjects,
} from '@gatehouse/contracts';
import { RpcError, RpcLoggingFilter } from '@gatehouse/platform';
import { POLICY_CONFIG, PolicyConfig } from '../config';
import { PolicyService } from './policy.service';
import { canonicalCheck, canonicalPrincipal } from './requests';

@Controller()
@UseFilters(RpcLoggingFilter)
export class PolicyController {
  constructor(
    private readonly policy: PolicyService,
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
  ) {}

  @MessagePattern(PolicySubjects.check)
  check(@Payload() req: CheckRequest, @Ctx() ctx: NatsContext): Promise<CheckResponse> {
    return this.policy.check(canonicalCheck(req), requestIdOf(ctx));
  }

  @MessagePattern(PolicySubjects.checkBatch)
  async checkBatch(@Payload() req: CheckBatchRequest, @Ctx() ctx: NatsContext): Promise<CheckBatchResponse> {
    // The batch size is this deployment's setting, not the contract's.
    if (req.checks.length > this.config.POLICY_BATCH_MAX) {
      throw new RpcError(ErrorCodes.invalidRequest, `at most ${this.config.POLICY_BATCH_MAX} checks per batch`, [
        { path: ['checks'], message: `at most ${this.config.POLICY_BATCH_MAX} checks per batch` },
      ]);
    }
    return { results: await this.policy.checkBatch(req.checks.map(canonicalCheck), requestIdOf(ctx)) };
  }

  @MessagePattern(PolicySubjects.effectiveRole)
  effectiveRole(@Payload() req: EffectiveRoleRequest, @Ctx() ctx: NatsContext): Promise<EffectiveRoleResponse> {
    return this.policy.effectiveRole(canonicalPrincipal(req.principal), requestIdOf(ctx));
  }
}

function requestIdOf(ctx: NatsContext | undefined): string | undefined {
  return ctx?.getHeaders?.()?.get(Headers.requestId) || undefined;
}
