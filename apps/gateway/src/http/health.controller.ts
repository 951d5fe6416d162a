import { Controller } from '@nestjs/common';
import { HealthController } from '@gatehouse/platform';
import { ApiVersion, Public } from './route-options';

/** `/health` and `/health/ready` need no token and no version header (probes send neither). */
@Controller('health')
@Public()
@ApiVersion('none')
export class GatewayHealthController extends HealthController {}
