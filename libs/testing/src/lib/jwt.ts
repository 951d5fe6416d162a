import { Client } from 'pg';
import { createDecipheriv, createPrivateKey, KeyObject, sign } from 'node:crypto';

export function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

export function headerOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Builds a compact JWS by hand, so tests can forge what a client library would refuse to. */
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
