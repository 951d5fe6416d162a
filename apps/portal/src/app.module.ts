import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthController, READINESS_CHECKS, ReadinessCheck, RuntimeModule, ServiceRuntime } from '@gatehouse/platform';
import { AccountController } from './account/account.controller';
import { ApiReferenceController } from './api-reference/api-reference.controller';
import { PORTAL_CONFIG, PortalConfig } from './config';
import { CredentialsController } from './credentials/credentials.controller';
import { DirectoryController } from './directory/directory.controller';
import { AssetsController } from './http/assets.controller';
import { CsrfTokens } from './http/csrf';
import { PageErrorFilter } from './http/page-error.filter';
import { LoginBrake, portalSharedCounts } from './login/login-brake';
import { LoginController } from './login/login.controller';
import { MembersController } from './members/members.controller';
import { PortalApi } from './portal/portal-api';
import { ProjectsController } from './projects/projects.controller';
import { Sessions } from './session/sessions';
import { SettingsController } from './settings/settings.controller';

export type PortalRuntime = ServiceRuntime<PortalConfig>;

/** The Partner Portal: server-rendered pages over HTTPS; no database, every question asked over NATS. */
@Module({})
export class PortalModule {
  static register(rt: PortalRuntime): DynamicModule {
    return {
      module: PortalModule,
      imports: [RuntimeModule.register(rt, PORTAL_CONFIG)],
      controllers: [
        HealthController,
        AssetsController,
        LoginController,
        ProjectsController,
        SettingsController,
        CredentialsController,
        DirectoryController,
        MembersController,
        AccountController,
        ApiReferenceController,
      ],
      providers: [
        PortalApi,
        Sessions,
        { provide: CsrfTokens, useFactory: () => new CsrfTokens(rt.config.PORTAL_CSRF_KEY) },
        {
          // One budget across every portal instance (the KV bucket PORTAL_BRAKE), this instance's own count as the fallback.
          provide: LoginBrake,
          useFactory: () => {
            const windowMs = rt.config.PORTAL_LOGIN_WINDOW_SECONDS * 1000;
            const limits = { perAccount: rt.config.PORTAL_LOGIN_FAILURES_PER_ACCOUNT, perAddress: rt.config.PORTAL_LOGIN_FAILURES_PER_ADDRESS, windowMs };
            return new LoginBrake(limits, portalSharedCounts(rt.nats, rt.logger, windowMs));
          },
        },
        { provide: APP_FILTER, useClass: PageErrorFilter },
        { provide: READINESS_CHECKS, useFactory: (): ReadinessCheck[] => [{ name: 'nats', check: () => rt.nats.isConnected() }] },
      ],
    };
  }
}
