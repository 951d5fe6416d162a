import { Module } from '@nestjs/common';
import { AuditLogsController } from './audit-logs.controller';
import { AuditPublisherService } from './audit-publisher.service';

/** The audit trail: entries published from the request path, and GET /v1/audit_logs answered by the audit service. */
@Module({ controllers: [AuditLogsController], providers: [AuditPublisherService], exports: [AuditPublisherService] })
export class AuditModule {}
