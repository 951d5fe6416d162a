import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { AuthEvents, TOKEN_HORIZON_S, JwksResponse, KeysRotateResponse, PublicJwk } from '@gatehouse/contracts';
import { AdvisoryLocks, NatsService } from '@gatehouse/platform';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { Es256Signer } from './es256-signer';
import { KekMismatchError } from './kek-mismatch';
import { open, seal, UnsealError } from './key-encryption';
import { SigningKeyEntity } from './signing-key.entity';

export const SIGNING_ALGORITHM = 'ES256';
/** A retired key stays published until every token it signed has expired (plus clock skew). */
const RETIRED_KEY_GRACE_MS = TOKEN_HORIZON_S * 1000;
/** At most one reload a second for a key id nobody here knows (a rotation's broadcast missed). */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 1_000;

interface LoadedKey {
  kid: string;
  signer: Es256Signer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: PublicJwk;
  createdAt: Date;
  retiredAt: Date | null;
}

/**
 * The signing keys: generated here, kept encrypted in the database, held in
 * memory as KeyObjects (parsing a PEM per signature is 4–50x slower). Every auth
 * instance holds them all: a rotation on one is broadcast (`keys.rotated`, before
 * the rotation is answered), and each instance reloads on it, on a reconnect (a
 * broadcast may have been missed) and on a key id it does not know. While a
 * reload is under way, minting waits for it: a token minted after the rotation
 * was answered never carries the retired key.
 */
@Injectable()
export class KeysService {
  private keys = new Map<string, LoadedKey>();
  private current: LoadedKey | null = null;
  private reloading: Promise<void> | null = null;
  private lastUnknownKidReload = 0;
  private readonly kek: Buffer;
  private readonly databaseUrl: string;

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly repo: Repository<SigningKeyEntity>,
    private readonly dataSource: DataSource,
    private readonly nats: NatsService,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.kek = Buffer.from(config.AUTH_KEY_ENCRYPTION_KEY, 'base64');
    this.databaseUrl = config.AUTH_DATABASE_URL;
  }

  /** Loads every published key; creates the first one on a fresh database; follows other instances' rotations. */
  async init(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLocks.authSigningKeys]);
      const count = await m.getRepository(SigningKeyEntity).count();
      if (count === 0) await m.getRepository(SigningKeyEntity).insert(this.generate());
    });
    await this.reload();
    // Synchronously on arrival: a mint handled after this broadcast waits for the reload.
    this.nats.subscribe(AuthEvents.keysRotated, () => void this.refresh().catch(() => undefined));
    this.nats.onReconnect(() => void this.refresh().catch(() => undefined));
  }

  /** Undefined when the keys held are current; otherwise the reload under way, for a mint to wait on. */
  pendingReload(): Promise<void> | undefined {
    return this.reloading?.catch(() => undefined);
  }

  /** A public key by id, reloading (at most once a second) when the id is unknown here. */
  async resolvePublicKey(kid: string): Promise<KeyObject | undefined> {
    await this.pendingReload();
    const known = this.keys.get(kid);
    if (known) return known.publicKey;
    if (Date.now() - this.lastUnknownKidReload < UNKNOWN_KID_RELOAD_INTERVAL_MS) return undefined;
    this.lastUnknownKidReload = Date.now();
    await this.refresh().catch(() => undefined);
    return this.keys.get(kid)?.publicKey;
  }

  private refresh(): Promise<void> {
    this.reloading ??= this.reload().finally(() => (this.reloading = null));
    return this.reloading;
  }

  async reload(): Promise<void> {
    const rows = await this.repo.find({ order: { createdAt: 'ASC' } });
    const keys = new Map<string, LoadedKey>();
    let current: LoadedKey | null = null;
    for (const row of rows) {
      const loaded = this.load(row);
      keys.set(row.kid, loaded);
      if (!row.retiredAt) current = loaded;
    }
    if (!current) throw new Error('no active signing key');
    this.keys = keys;
    this.current = current;
  }

  /** The signer of the newest key. */
  signer(): Es256Signer {
    if (!this.current) throw new Error('signing keys not loaded');
    return this.current.signer;
  }

  jwks(now = Date.now()): JwksResponse {
    const keys: PublicJwk[] = [];
    for (const k of this.keys.values()) {
      if (!k.retiredAt || now - k.retiredAt.getTime() < RETIRED_KEY_GRACE_MS) keys.push(k.jwk);
    }
    return { keys: keys.reverse() };
  }

  /** The keys held, newest first: the active one signs, retired ones still verify for a while. */
  list(): Array<{ kid: string; created_at: string; state: 'active' | 'retired' }> {
    return [...this.keys.values()].reverse().map((k) => ({ kid: k.kid, created_at: k.createdAt.toISOString(), state: k.retiredAt ? 'retired' : 'active' }));
  }

  /** When the active key was made (a portal rotation waits a while after the last one). */
  activeSince(): Date | null {
    return this.current?.createdAt ?? null;
  }

  /** Adds a new signing key; older keys keep verifying until their tokens expire. */
  async rotate(): Promise<KeysRotateResponse> {
    const fresh = this.generate();
    await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLocks.authSigningKeys]);
      await m
        .getRepository(SigningKeyEntity)
        .createQueryBuilder()
        .update()
        .set({ retiredAt: () => 'now()' })
        .where('retired_at IS NULL')
        .execute();
      await m.getRepository(SigningKeyEntity).insert(fresh);
    });
    await this.reload();
    // Every other instance hears it before the caller has the answer.
    this.nats.publish(AuthEvents.keysRotated, { kid: fresh.kid });
    await this.nats.flush();
    const created = this.keys.get(fresh.kid)?.createdAt ?? new Date();
    return { kid: fresh.kid, created_at: created.toISOString() };
  }

  private generate(): Pick<SigningKeyEntity, 'kid' | 'algorithm' | 'publicJwk' | 'privateKeyCiphertext' | 'privateKeyIv' | 'privateKeyTag'> {
    const kid = randomUUID();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const sealed = seal(this.kek, der, kid);
    return {
      kid,
      algorithm: SIGNING_ALGORITHM,
      publicJwk: toJwk(publicKey, kid),
      privateKeyCiphertext: sealed.ciphertext,
      privateKeyIv: sealed.iv,
      privateKeyTag: sealed.tag,
    };
  }

  private load(row: SigningKeyEntity): LoadedKey {
    const der = this.open(row);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return {
      kid: row.kid,
      signer: new Es256Signer(row.kid, privateKey),
      privateKey,
      publicKey: createPublicKey(privateKey),
      jwk: row.publicJwk,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt,
    };
  }

  /** The private key of a row; another key-encryption key than the one that sealed it is a start-up refusal. */
  private open(row: SigningKeyEntity): Buffer {
    try {
      return open(this.kek, { ciphertext: row.privateKeyCiphertext, iv: row.privateKeyIv, tag: row.privateKeyTag }, row.kid);
    } catch (err) {
      if (err instanceof UnsealError) throw new KekMismatchError(this.databaseUrl);
      throw err;
    }
  }
}

function toJwk(publicKey: KeyObject, kid: string): PublicJwk {
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}
