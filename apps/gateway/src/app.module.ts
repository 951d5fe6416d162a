import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { READINESS_CHECKS, ReadinessCheck, RuntimeModule, ServiceRuntime } from '@gatehouse/platform';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { AuditModule } from './audit/audit.module';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { ApiVersionGuard } from './http/api-version.guard';
import { GatewayHealthController } from './http/health.controller';
import { IdentityModule } from './identity/identity.module';
import { AuthenticatedClientsService } from './oauth/authenticated-clients.service';
import { ClientAuthLimiterService } from './oauth/client-auth-limiter.service';
import { DiscoveryController } from './oauth/discovery.controller';
import { OAuthController } from './oauth/oauth.controller';
import { OpenApiModule } from './openapi/openapi.module';
import { TokenIssueBatcher } from './oauth/token-issue-batcher.service';
import { SharedFailureCountsService } from './oauth/shared-failure-counts.service';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SettingsController } from './settings/settings.controller';
import { BearerGuard } from './tokens/bearer.guard';
import { ClientProjectsService } from './tokens/client-projects.service';
import { JwksService } from './tokens/jwks.service';
import { RevocationListService } from './tokens/revocation-list.service';
import { TokenVerifierService } from './tokens/token-verifier.service';


/** Token verification: keys, revocations, the verified-token cache and the guard that uses them. */
@Module({
  providers: [JwksService, RevocationListService, ClientProjectsService, TokenVerifierService],
  exports: [JwksService, RevocationListService, TokenVerifierService, ClientProjectsService],
})
export class TokensModule {}

@Module({
  imports: [TokensModule, RateLimitModule],
  controllers: [OAuthController, DiscoveryController],
  providers: [ClientAuthLimiterService, SharedFailureCountsService, AuthenticatedClientsService, TokenIssueBatcher],
})
export class OAuthModule {}

@Module({ imports: [RateLimitModule], controllers: [SettingsController] })
export class SettingsModule {}

@Module({})
export class GatewayModule {
  static register(rt: ServiceRuntime<GatewayConfig>): DynamicModule {
    const { nats, logger } = rt;
    return {
      module: GatewayModule,
      imports: [RuntimeModule.register(rt, GATEWAY_CONFIG), TokensModule, RateLimitModule, OAuthModule, SettingsModule, IdentityModule, AuditModule, OpenApiModule],
      controllers: [GatewayHealthController],
      providers: [
        // Guards run in this order: the API version first, then the bearer token, then the project's rate limit.
        { provide: APP_GUARD, useClass: ApiVersionGuard },
        { provide: APP_GUARD, useClass: BearerGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useFactory: () => new ApiExceptionFilter(logger) },
        {
          provide: READINESS_CHECKS,
          inject: [JwksService, RevocationListService],
          useFactory: (jwks: JwksService, revocations: RevocationListService): ReadinessCheck[] => [
            { name: 'nats', check: () => nats.isConnected() },
            { name: 'signing_keys', check: () => jwks.loaded },
            { name: 'revocation_list', check: () => revocations.isCurrent() },
          ],
        },
      ],
    };
  }
}
