import 'reflect-metadata';
import { AUDIT_QUEUE } from '@gatehouse/contracts';
import { AdvisoryLocks, runService } from '@gatehouse/platform';
import { AuditModule } from './app.module';
import { AUDIT_CONFIG, AuditConfig, loadAuditConfig } from './config';
import { lowerCpuPriority } from './cpu-priority';
import { AuditConsumerService } from './consumer/audit-consumer.service';
import { LogsService } from './logs/logs.service';
import { RetentionService } from './retention/retention.service';

runService({
  name: 'audit',
  loadConfig: loadAuditConfig,
  database: { url: (c) => c.AUDIT_DATABASE_URL, migrationLock: AdvisoryLocks.auditMigrations },
  module: (rt) => AuditModule.register(rt),
  queue: AUDIT_QUEUE,
  prepare: async (app) => {
    lowerCpuPriority(app.get<AuditConfig>(AUDIT_CONFIG).AUDIT_CPU_NICE);
    await app.get(LogsService).init();
    await app.get(AuditConsumerService).start();
    app.get(RetentionService).start();
  },
  listen: (c) => ({ port: c.AUDIT_HTTP_PORT, host: c.AUDIT_HTTP_HOST }),
});
