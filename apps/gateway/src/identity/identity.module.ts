import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { AccessService } from './access-context.service';
import { EntitiesController } from './entities.controller';
import { EntityUsersController } from './entity-users.controller';
import { MeController } from './me.controller';
import { RolesController } from './roles.controller';

/** The public routes of the identity service: entities, entity users, roles (NatsService comes from the global runtime module). */
@Module({
  imports: [AuditTrailModule],
  // MeController first: its static paths sit beside /entity_users/:entity_user_id.
  controllers: [MeController, EntitiesController, EntityUsersController, RolesController],
  providers: [AccessService],
})
export class IdentityModule {}
