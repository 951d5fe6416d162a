import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { AuditLogsController } from './audit-logs.controller';

/** GET /v1/audit_logs, answered by the audit service. */
@Module({ imports: [AuditTrailModule], controllers: [AuditLogsController] })
export class AuditModule {}
