import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Es256Signer } from './es256-signer';

describe('Es256Signer', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = new Es256Signer('kid-1', privateKey);

  it('produces a JWT that a standard library verifies, with alg, typ and kid in the header', () => {
    const token = signer.sign({ sub: 'a', n: 1, exp: Math.floor(Date.now() / 1000) + 60 });
    const decoded = jwt.verify(token, publicKey, { algorithms: ['ES256'], complete: true });
    expect(decoded.header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'kid-1' });
    expect(decoded.payload).toMatchObject({ sub: 'a', n: 1 });
  });

  it('is refused by another key and when a byte changes', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const token = signer.sign({ sub: 'a' });
    expect(() => jwt.verify(token, other, { algorithms: ['ES256'] })).toThrow();
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'b' })).toString('base64url')}.${s}`;
    expect(() => jwt.verify(tampered, publicKey, { algorithms: ['ES256'] })).toThrow();
    expect(p).not.toEqual(tampered.split('.')[1]);
  });
});
