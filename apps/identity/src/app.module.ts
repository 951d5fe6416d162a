import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthController, NatsService, READINESS_CHECKS, ReadinessCheck, RuntimeModule, ServiceRuntime } from '@gatehouse/platform';
import { InvalidationsService } from './common/invalidations.service';
import { ListService } from './common/list.service';
import { StatisticsService } from './common/statistics.service';
import { IDENTITY_CONFIG, IdentityConfig } from './config';
import { EntitiesController } from './entities/entities.controller';
import { EntitiesService } from './entities/entities.service';
import { EntityEntity, EntitySettingsEntity } from './store/entity.entity';
import { EntityUserEntity } from './store/entity-user.entity';
import { EntityUsersController } from './entity-users/entity-users.controller';
import { EntityUsersService } from './entity-users/entity-users.service';
import { InitialSchema1764400000000 } from './migrations/1764400000000-initial-schema';
import { LoginKey1796460900000 } from './migrations/1796460900000-login-key';
import { OutboxTraceContext1796900000000 } from './migrations/1796900000000-outbox-trace-context';
import { OutboxEntity } from './outbox/outbox.entity';
import { OutboxRelayService, RELAY_NATS } from './outbox/outbox-relay.service';
import { OutboxService } from './outbox/outbox.service';
import { PolicyStateController } from './policy-state/policy-state.controller';
import { PolicyStateService } from './policy-state/policy-state.service';
import { RoleEntity } from './store/role.entity';
import { RolesController } from './roles/roles.controller';
import { RolesService } from './roles/roles.service';

export const IDENTITY_ENTITIES = [EntityEntity, EntitySettingsEntity, EntityUserEntity, RoleEntity, OutboxEntity];
export const IDENTITY_MIGRATIONS = [InitialSchema1764400000000, LoginKey1796460900000, OutboxTraceContext1796900000000];

export interface IdentityRuntime extends ServiceRuntime<IdentityConfig> {
  /** The outbox relay's own broker connection (see OutboxRelayService). */
  relayNats: NatsService;
}

@Module({ imports: [TypeOrmModule.forFeature([EntityEntity, EntitySettingsEntity])], controllers: [EntitiesController], providers: [EntitiesService] })
export class EntitiesModule {}

@Module({ imports: [TypeOrmModule.forFeature([EntityUserEntity])], controllers: [EntityUsersController], providers: [EntityUsersService] })
export class EntityUsersModule {}

@Module({ imports: [TypeOrmModule.forFeature([RoleEntity])], controllers: [RolesController], providers: [RolesService] })
export class RolesModule {}

@Module({ controllers: [PolicyStateController], providers: [PolicyStateService] })
export class PolicyStateModule {}

@Module({})
export class IdentityModule {
  static register(rt: IdentityRuntime): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        RuntimeModule.register(rt, IDENTITY_CONFIG, [{ provide: RELAY_NATS, useValue: rt.relayNats }, OutboxService, ListService, InvalidationsService]),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: rt.config.IDENTITY_DATABASE_URL,
          entities: IDENTITY_ENTITIES,
          migrations: IDENTITY_MIGRATIONS,
          migrationsRun: false,
          synchronize: false,
          extra: { max: rt.config.IDENTITY_DB_POOL_SIZE, connectionTimeoutMillis: 2_000 },
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        EntitiesModule,
        EntityUsersModule,
        RolesModule,
        PolicyStateModule,
      ],
      controllers: [HealthController],
      providers: [
        OutboxRelayService,
        StatisticsService,
        {
          provide: READINESS_CHECKS,
          inject: [DataSource],
          useFactory: (ds: DataSource): ReadinessCheck[] => [
            { name: 'database', check: async () => (await ds.query('SELECT 1')).length === 1 },
            { name: 'nats', check: () => rt.nats.isConnected() },
          ],
        },
      ],
    };
  }
}
