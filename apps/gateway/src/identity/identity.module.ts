import { Module } from '@nestjs/common';
import { AccessService } from './access';
import { EntitiesController } from './entities.controller';
import { EntityUsersController } from './entity-users.controller';
import { RolesController } from './roles.controller';

/** The public routes of the identity service: entities, entity users, roles (NatsService comes from the global runtime module). */
@Module({
  controllers: [EntitiesController, EntityUsersController, RolesController],
  providers: [AccessService],
})
export class IdentityModule {}
