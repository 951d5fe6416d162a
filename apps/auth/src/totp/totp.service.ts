import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ErrorCodes, PortalTotpEnrollResponse } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { MemberEntity } from '../accounts/member.entity';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { open, seal } from '../keys/key-encryption';
import {
  acceptedTotpStep,
  base32Of,
  hashRecoveryCode,
  looksLikeTotpCode,
  matchRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
} from './totp-codes';

/** The associated data that binds a sealed TOTP secret to its member. */
const aadOf = (memberId: string) => `member-totp:${memberId}`;

/**
 * Members' second factor: enrolment (a secret sealed with the KEK, off until a
 * code confirms it), the ten recovery codes shown once, and the check of a code
 * at sign-in or before TOTP is turned off. A TOTP code works once (its time step
 * is kept), a recovery code works once (its hash is removed): both by a
 * conditional update, so two concurrent uses of one code cannot both succeed.
 */
@Injectable()
export class TotpService {
  private readonly kek: Buffer;

  constructor(
    @InjectRepository(MemberEntity) private readonly members: Repository<MemberEntity>,
    @Inject(AUTH_CONFIG) config: Pick<AuthConfig, 'AUTH_KEY_ENCRYPTION_KEY'>,
  ) {
    this.kek = Buffer.from(config.AUTH_KEY_ENCRYPTION_KEY, 'base64');
  }

  /** A fresh secret (any earlier unconfirmed one is replaced); TOTP is not on until `confirm`. */
  async enroll(member: MemberEntity): Promise<PortalTotpEnrollResponse> {
    if (member.totpEnabledAt) throw new RpcError(ErrorCodes.conflict, 'TOTP is already on: turn it off first');
    const secret = newTotpSecret();
    const sealed = seal(this.kek, secret, aadOf(member.id));
    await this.members.update({ id: member.id }, { totpSecretCiphertext: sealed.ciphertext, totpSecretIv: sealed.iv, totpSecretTag: sealed.tag, totpLastStep: null });
    return { secret_base32: base32Of(secret), otpauth_url: otpauthUrl(secret, member.email) };
  }

  /** A current code of the enrolled secret turns TOTP on; the recovery codes are answered this once. */
  async confirm(member: MemberEntity, code: string, now: number): Promise<string[]> {
    if (member.totpEnabledAt) throw new RpcError(ErrorCodes.conflict, 'TOTP is already on');
    const secret = this.secretOf(member);
    if (!secret) throw new RpcError(ErrorCodes.conflict, 'Start the enrolment first (totp.enroll)');
    const step = acceptedTotpStep(secret, code, now, member.totpLastStep);
    if (step === null) throw wrongCode();
    const codes = newRecoveryCodes();
    const r = await this.members
      .createQueryBuilder()
      .update()
      .set({ totpEnabledAt: new Date(now), totpLastStep: step, recoveryCodeHashes: codes.map(hashRecoveryCode) as any })
      .where('id = :id AND totp_enabled_at IS NULL', { id: member.id })
      .execute();
    if (r.affected !== 1) throw new RpcError(ErrorCodes.conflict, 'TOTP is already on');
    return codes;
  }

  /**
   * Whether `code` (a TOTP code, or else a recovery code) is good for this
   * member now; a good one is used up. False for a member without TOTP.
   */
  async useCode(member: MemberEntity, code: string, now: number): Promise<'totp' | 'recovery' | null> {
    if (!member.totpEnabledAt) return null;
    if (looksLikeTotpCode(code)) {
      const secret = this.secretOf(member);
      const step = secret ? acceptedTotpStep(secret, code, now, member.totpLastStep) : null;
      if (step === null) return null;
      const r = await this.members
        .createQueryBuilder()
        .update()
        .set({ totpLastStep: step })
        .where('id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', { id: member.id, step })
        .execute();
      return r.affected === 1 ? 'totp' : null;
    }
    const hash = matchRecoveryCode(code, member.recoveryCodeHashes ?? []);
    if (!hash) return null;
    const r = await this.members
      .createQueryBuilder()
      .update()
      .set({ recoveryCodeHashes: () => 'recovery_code_hashes - CAST(:hash AS text)' })
      .where('id = :id AND recovery_code_hashes @> jsonb_build_array(CAST(:hash AS text))', { id: member.id, hash })
      .execute();
    return r.affected === 1 ? 'recovery' : null;
  }

  /** Turns TOTP off after a good code (TOTP or recovery): the secret and the codes are forgotten. */
  async disable(member: MemberEntity, code: string, now: number): Promise<void> {
    if (!member.totpEnabledAt) throw new RpcError(ErrorCodes.conflict, 'TOTP is not on');
    if (!(await this.useCode(member, code, now))) throw wrongCode();
    await this.members.update(
      { id: member.id },
      { totpEnabledAt: null, totpSecretCiphertext: null, totpSecretIv: null, totpSecretTag: null, totpLastStep: null, recoveryCodeHashes: [] as any },
    );
  }

  private secretOf(member: MemberEntity): Buffer | null {
    if (!member.totpSecretCiphertext || !member.totpSecretIv || !member.totpSecretTag) return null;
    return open(this.kek, { ciphertext: member.totpSecretCiphertext, iv: member.totpSecretIv, tag: member.totpSecretTag }, aadOf(member.id));
  }
}

export function wrongCode(): RpcError {
  return new RpcError(ErrorCodes.invalidRequest, 'The code is not valid', [{ path: ['code'], message: 'The code is not valid' }]);
}
