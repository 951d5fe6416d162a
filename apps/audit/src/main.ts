import 'reflect-metadata';
import { AUDIT_QUEUE } from '@gatehouse/contracts';
import { AdvisoryLocks, runService } from '@gatehouse/platform';
import { AuditModule } from './app.module';
import { loadAuditConfig } from './config';
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
  prepare: async (app, rt) => {
    const nice = rt.config.AUDIT_CPU_NICE;
    const failed = lowerCpuPriority(nice);
    if (failed.length) rt.logger.warn({ nice, failed }, 'audit: could not lower the CPU priority of every thread; running as it is');
    await app.get(LogsService).init();
    await app.get(AuditConsumerService).start();
    app.get(RetentionService).start();
  },
  listen: (c) => ({ port: c.AUDIT_HTTP_PORT, host: c.AUDIT_HTTP_HOST }),
});
