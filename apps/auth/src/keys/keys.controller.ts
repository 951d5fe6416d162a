import { Controller, UseFilters } from '@nestjs/common';
import { RpcLoggingFilter } from '@gatehouse/platform';
import { MessagePattern } from '@nestjs/microservices';
import { AuthSubjects, JwksResponse, KeysRotateResponse } from '@gatehouse/contracts';
import { KeysService } from './keys.service';

@Controller()
@UseFilters(RpcLoggingFilter)
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  /** After a rotation another instance made, the keys being reloaded (a gateway asks on that very broadcast). */
  @MessagePattern(AuthSubjects.jwksGet)
  async jwks(): Promise<JwksResponse> {
    await this.keys.pendingReload();
    return this.keys.jwks();
  }

  @MessagePattern(AuthSubjects.keysRotate)
  rotate(): Promise<KeysRotateResponse> {
    return this.keys.rotate();
  }
}
