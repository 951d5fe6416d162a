import { Client } from 'pg';
import { createDecipheriv, createPrivateKey, KeyObject, sign } from 'node:crypto';
import { decode, Jwt } from 'jsonwebtoken';

/** The header and claims of a JWT (not verified), read by the JWT library the services use. */
function decoded(token: string): Jwt & { payload: Record<string, any> } {
  const jwt = decode(token, { complete: true });
  if (!jwt || typeof jwt.payload !== 'object') throw new Error(`not a JWT with a JSON claims set: ${token.slice(0, 40)}…`);
  return jwt as Jwt & { payload: Record<string, any> };
}

export function claimsOf(token: string): Record<string, any> {
  return decoded(token).payload;
}

export function headerOf(token: string): Record<string, any> {
  return decoded(token).header as Record<string, any>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Builds a compact JWS by hand, so tests can forge what a JWT library would refuse to (alg none, crit, a lying kid). */
export function forge(header: object, claims: object, key?: KeyObject, signature?: string): string {
  const input = `${b64(header)}.${b64(claims)}`;
  if (signature !== undefined) return `${input}.${signature}`;
  if (!key) return `${input}.`;
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${input}.${sig}`;
}

/**
 * The auth service's current signing key, read from its database and decrypted
 * with the key-encryption key: white-box access that lets a test mint tokens
 * with chosen claims (an expired one, say) under a real key.
 */
export async function currentSigningKey(databaseUrl: string, kekBase64: string): Promise<{ kid: string; key: KeyObject }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT kid, private_key_ciphertext, private_key_iv, private_key_tag FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
    );
    const row = rows[0];
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(kekBase64, 'base64'), row.private_key_iv);
    decipher.setAAD(Buffer.from(row.kid));
    decipher.setAuthTag(row.private_key_tag);
    const der = Buffer.concat([decipher.update(row.private_key_ciphertext), decipher.final()]);
    return { kid: row.kid, key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  } finally {
    await client.end();
  }
}
