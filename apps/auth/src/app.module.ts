import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthController, READINESS_CHECKS, ReadinessCheck, RuntimeModule, ServiceRuntime } from '@gatehouse/platform';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { InviteEntity } from './accounts/invite.entity';
import { MemberEntity } from './accounts/member.entity';
import { PartnerEntity } from './accounts/partner.entity';
import { AuditTrailService } from './audit/audit-trail.service';
import { AUTH_CONFIG, AuthConfig } from './config';
import { ClientCredentialEntity } from './credentials/client-credential.entity';
import { CredentialsController } from './credentials/credentials.controller';
import { CredentialsService } from './credentials/credentials.service';
import { KeysController } from './keys/keys.controller';
import { KeysService } from './keys/keys.service';
import { SigningKeyEntity } from './keys/signing-key.entity';
import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema';
import { TokenCutoffs1764900000000 } from './migrations/1764900000000-token-cutoffs';
import { PartnerAccounts1765000000000 } from './migrations/1765000000000-partner-accounts';
import { PortalAccessService } from './portal/portal-access.service';
import { PortalMembersController } from './portal/portal-members.controller';
import { PortalProjectsController } from './portal/portal-projects.controller';
import { PortalTokensController } from './portal/portal-tokens.controller';
import { PortalSessionsController } from './portal/portal-sessions.controller';
import { ProjectEntity } from './projects/project.entity';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsService } from './projects/projects.service';
import { MemberSessionEntity } from './sessions/member-session.entity';
import { SessionsService } from './sessions/sessions.service';
import { RevocationsService } from './tokens/revocations.service';
import { RevokedTokenEntity } from './tokens/revoked-token.entity';
import { TokensController } from './tokens/tokens.controller';
import { TokensService } from './tokens/tokens.service';
import { TotpService } from './totp/totp.service';

export const AUTH_ENTITIES = [ProjectEntity, ClientCredentialEntity, SigningKeyEntity, RevokedTokenEntity, PartnerEntity, MemberEntity, InviteEntity, MemberSessionEntity];
export const AUTH_MIGRATIONS = [InitialSchema1764300000000, TokenCutoffs1764900000000, PartnerAccounts1765000000000];

@Module({})
export class AuthModule {
  static register(rt: ServiceRuntime<AuthConfig>): DynamicModule {
    const { config, nats } = rt;
    return {
      module: AuthModule,
      imports: [
        RuntimeModule.register(rt, AUTH_CONFIG),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.AUTH_DATABASE_URL,
          entities: AUTH_ENTITIES,
          migrations: AUTH_MIGRATIONS,
          migrationsRun: false,
          synchronize: false,
          extra: { max: config.AUTH_DB_POOL_SIZE, connectionTimeoutMillis: 2_000 },
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        TypeOrmModule.forFeature(AUTH_ENTITIES),
      ],
      controllers: [
        TokensController,
        KeysController,
        CredentialsController,
        ProjectsController,
        AccountsController,
        PortalSessionsController,
        PortalMembersController,
        PortalProjectsController,
        PortalTokensController,
        HealthController,
      ],
      providers: [
        AuditTrailService,
        ProjectsService,
        CredentialsService,
        KeysService,
        RevocationsService,
        TokensService,
        AccountsService,
        SessionsService,
        TotpService,
        PortalAccessService,
        {
          provide: READINESS_CHECKS,
          inject: [DataSource],
          useFactory: (ds: DataSource): ReadinessCheck[] => [
            { name: 'database', check: async () => (await ds.query('SELECT 1')).length === 1 },
            { name: 'nats', check: () => nats.isConnected() },
          ],
        },
      ],
    };
  }
}
