import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { AuthEvents, RevokedToken } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';
import { RevokedTokenEntity } from './revoked-token.entity';

const PURGE_EVERY_MS = 10 * 60 * 1000;

/**
 * The durable revocation list. A revocation is committed first, then broadcast
 * to every gateway; a gateway that (re)connects reloads the whole list.
 */
@Injectable()
export class RevocationsService implements OnModuleInit, OnModuleDestroy {
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(RevokedTokenEntity) private readonly repo: Repository<RevokedTokenEntity>,
    private readonly nats: NatsService,
  ) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async revoke(token: RevokedToken & { projectId: string }, requestId?: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .insert()
      .values({ jti: token.jti, projectId: token.projectId, expiresAt: new Date(token.exp * 1000) })
      .orIgnore()
      .execute();
    this.nats.publish(AuthEvents.tokenRevoked, { jti: token.jti, exp: token.exp, revoked_at_ms: Date.now() } satisfies RevokedToken, requestId);
    await this.nats.flush();
  }

  async active(): Promise<RevokedToken[]> {
    const rows = await this.repo.find({ where: { expiresAt: MoreThan(new Date()) }, select: { jti: true, expiresAt: true } });
    return rows.map((r) => ({ jti: r.jti, exp: Math.floor(r.expiresAt.getTime() / 1000) }));
  }

  async purgeExpired(): Promise<number> {
    const result = await this.repo.delete({ expiresAt: LessThan(new Date(Date.now() - 60_000)) });
    return result.affected ?? 0;
  }
}
