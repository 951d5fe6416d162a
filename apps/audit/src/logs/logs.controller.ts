import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuditLogsListRequest, AuditSubjects } from '@gatehouse/contracts';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { LogsService } from './logs.service';

/** The payload arrives parsed with its subject's schema (the contracts' subject table). */
@Controller()
@UseFilters(RpcLoggingFilter)
export class LogsController {
  constructor(private readonly logs: LogsService) {}

  @MessagePattern(AuditSubjects.logsList)
  list(@Payload() req: AuditLogsListRequest) {
    return this.logs.list(req);
  }
}
