/**
 * `npm run -s bench:jwt`: ES256 JWT verify and sign, ops/s, each candidate measured
 * in the same run on the same token and key, in short rounds that alternate the
 * candidates and rotate which goes first (so a noisy neighbour costs each of them
 * alike), median of the rounds.
 *
 * verify, an access token as the gateway checks it (signature, alg, issuer, exp):
 *  - hand:          base64url + JSON.parse + one-shot `crypto.verify` (IEEE P1363) on a cached KeyObject;
 *  - jsonwebtoken:  `jwt.verify` (the one JWT library: the gateway's verifier and auth call it);
 *  - jose:          `jwtVerify` on a CryptoKey imported once (WebCrypto, async);
 * sign, an access token as auth mints it:
 *  - hand (auth's Es256Signer), jsonwebtoken `jwt.sign`, jose `SignJWT`.
 */
import { createPublicKey, generateKeyPairSync, KeyObject, randomUUID, sign as cryptoSign, verify as cryptoVerify, webcrypto } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { importJWK, jwtVerify, SignJWT } from 'jose';

const ROUND_MS = Number(process.env.JWT_BENCH_ROUND_MS ?? 300);
const ROUNDS = Number(process.env.JWT_BENCH_ROUNDS ?? 21);
const ISSUER = 'https://gatehouse.bench';

type Op = () => unknown | Promise<unknown>;

/** Ops per second of `op` over about `ms` (awaited only when it returns a promise). */
async function measure(op: Op, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      const r = op();
      if (r instanceof Promise) await r;
    }
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function race(title: string, candidates: Record<string, Op>): Promise<Record<string, number>> {
  for (const op of Object.values(candidates)) for (let i = 0; i < 2_000; i++) await op(); // warm up
  const runs: Record<string, number[]> = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
  const entries = Object.entries(candidates);
  for (let round = 0; round < ROUNDS; round++) {
    // Short rounds, each starting with another candidate: a neighbour's burst on a shared machine hits all alike.
    for (let i = 0; i < entries.length; i++) {
      const [name, op] = entries[(round + i) % entries.length];
      runs[name].push(await measure(op, ROUND_MS));
    }
  }
  const result = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
  const base = result.hand;
  console.log(`\n${title} (median of ${ROUNDS} rounds of ${ROUND_MS} ms)`);
  for (const [name, ops] of Object.entries(result)) {
    console.log(`  ${name.padEnd(14)} ${Math.round(ops).toString().padStart(8)} ops/s   ${(ops / base).toFixed(2)}x hand`);
  }
  return result;
}

/** Auth's one-shot signer (a tool may not import an app: the same code as its Es256Signer). */
class Es256Signer {
  private readonly encodedHeader: string;

  constructor(
    kid: string,
    private readonly key: KeyObject,
  ) {
    this.encodedHeader = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid })).toString('base64url');
  }

  sign(claims: object): string {
    const input = `${this.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${cryptoSign('sha256', Buffer.from(input), { key: this.key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }
}

/** The hand path: one-shot verify, as the gateway's fast path does after its header checks. */
function handVerify(token: string, key: KeyObject): Record<string, unknown> {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8'));
  if (header.alg !== 'ES256') throw new Error('alg');
  const ok = cryptoVerify(
    'sha256',
    Buffer.from(token.slice(0, second)),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(token.slice(second + 1), 'base64url'),
  );
  if (!ok) throw new Error('signature');
  const claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
  if (claims.iss !== ISSUER || !(claims.exp > Date.now() / 1000)) throw new Error('claims');
  return claims;
}

async function main(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  const signer = new Es256Signer(kid, privateKey);
  const now = Math.floor(Date.now() / 1000);
  const claims = () => ({
    iss: ISSUER,
    sub: randomUUID(),
    client_id: randomUUID(),
    project_id: randomUUID(),
    grant_type: 'client_credentials',
    jti: randomUUID(),
    iat: now,
    exp: now + 3600,
  });
  const token = signer.sign(claims());
  const cryptoKey = (await importJWK({ ...publicKey.export({ format: 'jwk' }), alg: 'ES256' }, 'ES256')) as webcrypto.CryptoKey;
  const cryptoPrivate = (await importJWK({ ...privateKey.export({ format: 'jwk' }), alg: 'ES256' }, 'ES256')) as webcrypto.CryptoKey;
  const samePublic = createPublicKey({ key: publicKey.export({ format: 'jwk' }), format: 'jwk' });

  // Correctness first: every candidate accepts the token and refuses a tampered one.
  const [h, , s] = token.split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims(), sub: 'x' })).toString('base64url')}.${s}`;
  const verifiers: Record<string, (t: string) => unknown> = {
    hand: (t) => handVerify(t, samePublic),
    jsonwebtoken: (t) => jsonwebtoken.verify(t, samePublic, { algorithms: ['ES256'], issuer: ISSUER }),
    jose: (t) => jwtVerify(t, cryptoKey, { algorithms: ['ES256'], issuer: ISSUER }),
  };
  for (const [name, v] of Object.entries(verifiers)) {
    await Promise.resolve(v(token));
    const refused = await Promise.resolve()
      .then(() => v(tampered))
      .then(() => false, () => true);
    if (!refused) throw new Error(`${name} accepted a tampered token`);
  }
  for (const t of [
    jsonwebtoken.sign(claims(), privateKey, { algorithm: 'ES256', keyid: kid }),
    await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid }).sign(cryptoPrivate),
  ]) {
    handVerify(t, samePublic);
  }
  console.log(`node ${process.version}, ES256 (P-256), token of ${token.length} characters; every candidate accepts it and refuses a tampered one`);

  const verify = await race('verify', {
    hand: () => handVerify(token, samePublic),
    jsonwebtoken: () => jsonwebtoken.verify(token, samePublic, { algorithms: ['ES256'], issuer: ISSUER }),
    jose: () => jwtVerify(token, cryptoKey, { algorithms: ['ES256'], issuer: ISSUER }),
  });
  const payload = claims();
  const sign = await race('sign', {
    hand: () => signer.sign(payload),
    jsonwebtoken: () => jsonwebtoken.sign(payload, privateKey, { algorithm: 'ES256', keyid: kid }),
    jose: () => new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid }).sign(cryptoPrivate),
  });
  console.log(
    `\nratios: verify hand/jose ${(verify.hand / verify.jose).toFixed(2)}, hand/jsonwebtoken ${(verify.hand / verify.jsonwebtoken).toFixed(2)}; ` +
      `sign hand/jose ${(sign.hand / sign.jose).toFixed(2)}, hand/jsonwebtoken ${(sign.hand / sign.jsonwebtoken).toFixed(2)}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
