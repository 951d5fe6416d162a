import { Module } from '@nestjs/common';
import { KvSliceSource } from './kv-slice-source.service';
import { ProjectLimitsService } from './project-limits.service';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitService } from './rate-limit.service';
import { SharedKvService } from './shared-kv.service';

/** API rate limits, and the JetStream KV buckets the gateway instances share (also the brute-force brake's). */
@Module({
  providers: [SharedKvService, KvSliceSource, ProjectLimitsService, RateLimitService, RateLimitGuard],
  exports: [SharedKvService, ProjectLimitsService, RateLimitService, RateLimitGuard],
})
export class RateLimitModule {}
