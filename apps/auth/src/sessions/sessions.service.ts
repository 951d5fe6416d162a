import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { generateToken, hashToken, isTokenShaped } from '../accounts/account-tokens';
import { AccountsService } from '../accounts/accounts.service';
import { MemberEntity } from '../accounts/member.entity';
import { PartnerEntity } from '../accounts/partner.entity';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { MemberSessionEntity } from './member-session.entity';
import { absoluteExpiry, effectiveExpiry, judgeSession, SessionTimes, TOUCH_AFTER_MS } from './session-policy';

/** The time, in milliseconds since the epoch (tests move it). */
export type Clock = () => number;
export const CLOCK = Symbol('CLOCK');

export interface SignedIn {
  session: MemberSessionEntity;
  member: MemberEntity;
  partner: PartnerEntity;
}

export interface IssuedSession {
  token: string;
  session: MemberSessionEntity;
  /** When it ends if unused (idle or absolute, the earlier). */
  expiresAt: Date;
}

const NOT_SIGNED_IN = 'Not signed in, or the session has ended';
const PURGE_EVERY_MS = 3_600_000;
const KEEP_ENDED_MS = 7 * 86_400_000;

/**
 * Members' portal sessions, server-side: the browser holds a 256-bit token,
 * the database its SHA-256 (a lookup by hash: the token is never compared as
 * text). Every portal request resolves its token here to a live session, a
 * current member and their partner, or is `unauthenticated`.
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnApplicationShutdown {
  readonly times: SessionTimes;
  private readonly clock: Clock;
  private purgeTimer: NodeJS.Timeout | null = null;

  constructor(
    @InjectRepository(MemberSessionEntity) private readonly repo: Repository<MemberSessionEntity>,
    private readonly accounts: AccountsService,
    @Inject(AUTH_CONFIG) config: Pick<AuthConfig, 'AUTH_SESSION_IDLE_MINUTES' | 'AUTH_SESSION_ABSOLUTE_HOURS'>,
    @Optional() @Inject(CLOCK) clock?: Clock,
  ) {
    this.times = { idleMs: config.AUTH_SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.AUTH_SESSION_ABSOLUTE_HOURS * 3_600_000 };
    this.clock = clock ?? Date.now;
  }

  /** Ended sessions and used or expired invites are deleted a week after they end (every instance tries hourly; the deletes are idempotent). */
  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purge().catch(() => undefined), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = null;
  }

  async purge(): Promise<void> {
    const before = new Date(this.clock() - KEEP_ENDED_MS);
    await this.repo.query(`DELETE FROM member_sessions WHERE expires_at < $1 OR revoked_at < $1`, [before]);
    await this.repo.query(`DELETE FROM invites WHERE expires_at < $1 OR accepted_at < $1 OR revoked_at < $1`, [before]);
  }

  now(): number {
    return this.clock();
  }

  async create(
    memberId: string,
    opts: { pendingTotp: boolean; clientAddress?: string | null; userAgent?: string | null },
    m: EntityManager = this.repo.manager,
  ): Promise<IssuedSession> {
    const token = generateToken();
    const now = this.clock();
    const row: MemberSessionEntity = m.getRepository(MemberSessionEntity).create({
      id: randomUUID(),
      tokenHash: hashToken(token),
      memberId,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: absoluteExpiry(now, this.times, opts.pendingTotp),
      revokedAt: null,
      pendingTotp: opts.pendingTotp,
      failedCodes: 0,
      clientAddress: opts.clientAddress ?? null,
      userAgent: opts.userAgent?.slice(0, 1_000) ?? null,
    });
    await m.getRepository(MemberSessionEntity).insert(row);
    return { token, session: row, expiresAt: effectiveExpiry(row, this.times) };
  }

  /**
   * The live session of `token`, its member (not removed) and partner; otherwise
   * `unauthenticated`. `pending`: whether the session must be half signed in
   * (`totp.verify`) or fully signed in (everything else). A live full session's
   * idle clock starts again (written at most every TOUCH_AFTER_MS).
   */
  async resolve(token: string, pending = false): Promise<SignedIn> {
    if (!isTokenShaped(token)) throw new RpcError(ErrorCodes.unauthenticated, NOT_SIGNED_IN);
    const session = await this.repo.findOneBy({ tokenHash: hashToken(token) });
    const now = this.clock();
    if (!session || judgeSession(session, now, this.times) !== 'live' || session.pendingTotp !== pending) {
      throw new RpcError(ErrorCodes.unauthenticated, NOT_SIGNED_IN);
    }
    const member = await this.accounts.findMember(session.memberId);
    if (!member || member.removedAt) throw new RpcError(ErrorCodes.unauthenticated, NOT_SIGNED_IN);
    const partner = await this.accounts.findPartner(member.partnerId);
    if (!partner) throw new RpcError(ErrorCodes.unauthenticated, NOT_SIGNED_IN);
    if (!pending && now - session.lastSeenAt.getTime() >= TOUCH_AFTER_MS) {
      session.lastSeenAt = new Date(now);
      await this.repo.update({ id: session.id, revokedAt: IsNull() }, { lastSeenAt: session.lastSeenAt });
    }
    return { session, member, partner };
  }

  expiryOf(session: MemberSessionEntity): Date {
    return effectiveExpiry(session, this.times);
  }

  /** Ends one session (sign-out); 0 when it had ended already. */
  async end(sessionId: string, m: EntityManager = this.repo.manager): Promise<number> {
    const r = await m.getRepository(MemberSessionEntity).update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date(this.clock()) });
    return r.affected ?? 0;
  }

  /** Ends every session of a member (sign out everywhere; the member removed): at once, the next request of each is refused. */
  async endAllOf(memberId: string, m: EntityManager = this.repo.manager): Promise<number> {
    const r = await m.getRepository(MemberSessionEntity).update({ memberId, revokedAt: IsNull() }, { revokedAt: new Date(this.clock()) });
    return r.affected ?? 0;
  }

  /** A wrong TOTP or recovery code on a half-signed-in session: after MAX_FAILED_CODES it is refused. */
  async recordFailedCode(sessionId: string): Promise<void> {
    await this.repo.increment({ id: sessionId }, 'failedCodes', 1);
  }

  /**
   * The half-signed-in session ends and a new, full one begins (a new token: the
   * privilege changed, so a token seen before the second factor is worth nothing).
   */
  async promote(pending: MemberSessionEntity): Promise<IssuedSession> {
    return this.repo.manager.transaction(async (m) => {
      if ((await this.end(pending.id, m)) !== 1) throw new RpcError(ErrorCodes.unauthenticated, NOT_SIGNED_IN);
      return this.create(pending.memberId, { pendingTotp: false, clientAddress: pending.clientAddress, userAgent: pending.userAgent }, m);
    });
  }
}
