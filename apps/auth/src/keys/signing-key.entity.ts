import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { PublicJwk } from '@gatehouse/contracts';

/**
 * A token signing key. The private key (PKCS#8 DER) is stored encrypted with
 * AES-256-GCM under the key-encryption key from the environment, its `kid` as
 * associated data.
 */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn('text')
  kid!: string;

  @Column('text')
  algorithm!: string;

  @Column('jsonb', { name: 'public_jwk' })
  publicJwk!: PublicJwk;

  @Column('bytea', { name: 'private_key_ciphertext' })
  privateKeyCiphertext!: Buffer;

  @Column('bytea', { name: 'private_key_iv' })
  privateKeyIv!: Buffer;

  @Column('bytea', { name: 'private_key_tag' })
  privateKeyTag!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set when a newer key took over signing; the key stays published until its tokens expire. */
  @Column('timestamptz', { name: 'retired_at', nullable: true })
  retiredAt!: Date | null;
}
