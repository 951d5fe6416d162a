import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthController, READINESS_CHECKS, ReadinessCheck, RuntimeModule, ServiceRuntime } from '@gatehouse/platform';
import { AUDIT_CONFIG, AuditConfig } from './config';
import { AuditConsumerService } from './consumer/audit-consumer.service';
import { LogsController } from './logs/logs.controller';
import { LogsService } from './logs/logs.service';
import { AuditLog1797000000000 } from './migrations/1797000000000-audit-log';
import { AuditLogTsBrin1797100000000 } from './migrations/1797100000000-audit-log-ts-brin';
import { AuditLogJsonColumns1797200000000 } from './migrations/1797200000000-audit-log-json-columns';
import { AuditLogAscendingIndexes1797300000000 } from './migrations/1797300000000-audit-log-ascending-indexes';
import { RetentionService } from './retention/retention.service';

export const AUDIT_MIGRATIONS = [AuditLog1797000000000, AuditLogTsBrin1797100000000, AuditLogJsonColumns1797200000000, AuditLogAscendingIndexes1797300000000];

@Module({ controllers: [LogsController], providers: [LogsService], exports: [LogsService] })
export class LogsModule {}

@Module({})
export class AuditModule {
  static register(rt: ServiceRuntime<AuditConfig>): DynamicModule {
    return {
      module: AuditModule,
      imports: [
        RuntimeModule.register(rt, AUDIT_CONFIG, []),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: rt.config.AUDIT_DATABASE_URL,
          entities: [],
          migrations: AUDIT_MIGRATIONS,
          migrationsRun: false,
          synchronize: false,
          extra: { max: rt.config.AUDIT_DB_POOL_SIZE, connectionTimeoutMillis: 2_000 },
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        LogsModule,
      ],
      controllers: [HealthController],
      providers: [
        AuditConsumerService,
        RetentionService,
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
