import { Injectable } from '@nestjs/common';
import { NatsService } from '@gatehouse/platform';

/**
 * The portal's only way out: NATS requests on the contracts' subjects (the portal
 * subjects to auth, which checks the member's session, partner and role on each;
 * identity's and audit's reads after auth's `access.check`). Errors come back as
 * RemoteError with the callee's code, turned into pages by PageErrorFilter.
 */
@Injectable()
export class PortalApi {
  constructor(private readonly nats: NatsService) {}

  call<T>(subject: string, data: unknown, requestId?: string): Promise<T> {
    return this.nats.request<T>(subject, data, { requestId });
  }
}
