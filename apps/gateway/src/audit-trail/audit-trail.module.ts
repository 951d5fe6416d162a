import { Module } from '@nestjs/common';
import { AuditPublisherService } from './audit-publisher.service';

/** Publishing audit entries (docs/AUDIT.md): used by the entity-trail hooks and by the RBAC decision (denials). */
@Module({ providers: [AuditPublisherService], exports: [AuditPublisherService] })
export class AuditTrailModule {}
