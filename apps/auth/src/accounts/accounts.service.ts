import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import {
  ErrorCodes,
  isUuid,
  MemberCreated,
  MemberRole,
  PartnerView,
  PortalInviteCreated,
  PortalInviteInfo,
  PortalInviteView,
  PortalMemberView,
} from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { generateToken, hashToken, isTokenShaped } from './account-tokens';
import { InviteEntity } from './invite.entity';
import { MemberEntity } from './member.entity';
import { generatePassword, hashPassword, normalizeEmail } from './passwords';
import { PartnerEntity } from './partner.entity';

/** How long an invite link works. */
export const INVITE_TTL_MS = 72 * 3_600_000;

const EMAIL_TAKEN = 'A member with this email already exists';

/** Partners, their members and invites. Sessions (sessions/) and TOTP (totp/) build on it. */
@Injectable()
export class AccountsService {
  constructor(
    @InjectRepository(PartnerEntity) private readonly partners: Repository<PartnerEntity>,
    @InjectRepository(MemberEntity) private readonly members: Repository<MemberEntity>,
    @InjectRepository(InviteEntity) private readonly invites: Repository<InviteEntity>,
  ) {}

  async createPartner(name: string): Promise<PartnerView> {
    const id = randomUUID();
    await this.partners.insert({ id, name });
    return partnerView(await this.partners.findOneByOrFail({ id }));
  }

  async listPartners(): Promise<PartnerView[]> {
    return (await this.partners.find({ order: { createdAt: 'ASC' } })).map(partnerView);
  }

  async requirePartner(partnerId: string): Promise<PartnerEntity> {
    const row = isUuid(partnerId) ? await this.partners.findOneBy({ id: partnerId.toLowerCase() }) : null;
    if (!row) throw new RpcError(ErrorCodes.notFound, 'No such partner');
    return row;
  }

  /** The operator's (CLI, npm start): without a password, a random one is made and answered once. */
  async createMember(partnerId: string, email: string, role: MemberRole, password?: string): Promise<MemberCreated> {
    const partner = await this.requirePartner(partnerId);
    const generated = password === undefined ? generatePassword() : undefined;
    const row = await this.insertMember(this.members.manager, partner.id, email, role, await hashPassword(password ?? (generated as string)));
    return {
      member_id: row.id,
      partner_id: row.partnerId,
      email: row.email,
      role: row.role,
      created_at: row.createdAt.toISOString(),
      ...(generated ? { password: generated } : {}),
    };
  }

  private async insertMember(m: EntityManager, partnerId: string, email: string, role: MemberRole, passwordHash: string): Promise<MemberEntity> {
    const id = randomUUID();
    try {
      await m.getRepository(MemberEntity).insert({ id, partnerId, email: normalizeEmail(email), role, passwordHash, recoveryCodeHashes: [], removedAt: null });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new RpcError(ErrorCodes.conflict, EMAIL_TAKEN);
      throw err;
    }
    return m.getRepository(MemberEntity).findOneByOrFail({ id });
  }

  /** The current (not removed) member with this email, or null. */
  findByEmail(email: string): Promise<MemberEntity | null> {
    return this.members.findOneBy({ email: normalizeEmail(email), removedAt: IsNull() });
  }

  findMember(memberId: string): Promise<MemberEntity | null> {
    return this.members.findOneBy({ id: memberId });
  }

  findPartner(partnerId: string): Promise<PartnerEntity | null> {
    return this.partners.findOneBy({ id: partnerId });
  }

  async listMembers(partnerId: string): Promise<PortalMemberView[]> {
    const rows = await this.members.find({ where: { partnerId, removedAt: IsNull() }, order: { createdAt: 'ASC' } });
    return rows.map(memberView);
  }

  async listOpenInvites(partnerId: string, now = Date.now()): Promise<PortalInviteView[]> {
    const rows = await this.invites.find({
      where: { partnerId, acceptedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(new Date(now)) },
      order: { createdAt: 'ASC' },
    });
    const inviters = new Map<string, string>();
    for (const r of rows) {
      if (r.createdBy && !inviters.has(r.createdBy)) inviters.set(r.createdBy, (await this.members.findOneBy({ id: r.createdBy }))?.email ?? r.createdBy);
    }
    return rows.map((r) => ({
      id: r.id,
      role: r.role,
      created_at: r.createdAt.toISOString(),
      created_by: r.createdBy ? (inviters.get(r.createdBy) ?? null) : null,
      expires_at: r.expiresAt.toISOString(),
    }));
  }

  /** A one-time link's token (256 random bits; only its SHA-256 is stored), shown to the inviter once. */
  async createInvite(partnerId: string, role: MemberRole, createdBy: string | null, now = Date.now()): Promise<PortalInviteCreated> {
    const token = generateToken();
    const id = randomUUID();
    const expiresAt = new Date(now + INVITE_TTL_MS);
    await this.invites.insert({ id, partnerId, tokenHash: hashToken(token), role, createdBy, expiresAt, acceptedAt: null, acceptedBy: null, revokedAt: null });
    return { invite_id: id, invite_token: token, role, expires_at: expiresAt.toISOString() };
  }

  /** What an open invite is for; `not_found` when unknown, used, revoked or expired (one answer for all). */
  async inviteInfo(token: string, now = Date.now()): Promise<PortalInviteInfo> {
    const invite = isTokenShaped(token) ? await this.invites.findOneBy({ tokenHash: hashToken(token) }) : null;
    if (!invite || invite.acceptedAt || invite.revokedAt || invite.expiresAt.getTime() <= now) throw invalidInvite();
    const partner = await this.partners.findOneByOrFail({ id: invite.partnerId });
    return { partner_name: partner.name, role: invite.role, expires_at: invite.expiresAt.toISOString() };
  }

  /**
   * Uses the invite (once: the update that marks it accepted is conditional, so
   * of two concurrent accepts one wins) and creates the member, in one
   * transaction: an email already taken undoes the acceptance.
   */
  async acceptInvite(token: string, email: string, password: string): Promise<MemberEntity> {
    if (!isTokenShaped(token)) throw invalidInvite();
    const passwordHash = await hashPassword(password);
    return this.members.manager.transaction(async (m) => {
      const rows: Array<{ id: string; partner_id: string; role: MemberRole }> = await m.query(
        `UPDATE invites SET accepted_at = now()
          WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
          RETURNING id, partner_id, role`,
        [hashToken(token)],
      ).then((r: unknown) => (Array.isArray(r) && Array.isArray(r[0]) ? r[0] : (r as any[])));
      const invite = rows[0];
      if (!invite) throw invalidInvite();
      const member = await this.insertMember(m, invite.partner_id, email, invite.role, passwordHash);
      await m.query(`UPDATE invites SET accepted_by = $2 WHERE id = $1`, [invite.id, member.id]);
      return member;
    });
  }

  /**
   * Removes a member of this partner (`not_found` for anyone else's) in the
   * caller's transaction. The partner's owners are locked first: two owners
   * removing each other cannot leave the partner without one.
   */
  async removeMember(m: EntityManager, partnerId: string, memberId: string): Promise<MemberEntity> {
    const repo = m.getRepository(MemberEntity);
    const owners = await repo.find({ where: { partnerId, role: 'owner', removedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
    const target = isUuid(memberId) ? await repo.findOne({ where: { id: memberId.toLowerCase(), partnerId, removedAt: IsNull() }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!target) throw new RpcError(ErrorCodes.notFound, 'No such member');
    if (target.role === 'owner' && owners.length <= 1) throw new RpcError(ErrorCodes.conflict, 'The last owner cannot be removed: make another owner first');
    await repo.update({ id: target.id }, { removedAt: () => 'now()' } as any);
    return repo.findOneByOrFail({ id: target.id });
  }
}

function invalidInvite(): RpcError {
  return new RpcError(ErrorCodes.notFound, 'This invite link is not valid: it was used, revoked or has expired');
}

export function memberView(row: MemberEntity): PortalMemberView {
  return { id: row.id, email: row.email, role: row.role, totp_enabled: row.totpEnabledAt !== null, created_at: row.createdAt.toISOString() };
}

function partnerView(row: PartnerEntity): PartnerView {
  return { partner_id: row.id, name: row.name, created_at: row.createdAt.toISOString() };
}
