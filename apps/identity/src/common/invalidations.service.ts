import { Injectable } from '@nestjs/common';
import { IDENTITY_INVALIDATED, InvalidatedEvent } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';

/**
 * After a change is committed and before the caller gets its answer, every
 * policy instance is told to drop what it holds about the record. The broadcast
 * leaves on the connection the reply will leave on, so it reaches the policy
 * instances before the caller can make its next request: a role change, a
 * deleted user or a deactivated entity is felt on that very next request.
 * (The outbox's durable events are for everyone else, and arrive a little later.)
 */
@Injectable()
export class InvalidationsService {
  constructor(private readonly nats: NatsService) {}

  publish(event: InvalidatedEvent): void {
    this.nats.publish(IDENTITY_INVALIDATED, event);
  }
}
