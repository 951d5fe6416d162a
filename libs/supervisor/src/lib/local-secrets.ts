import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';

export interface LocalSecrets {
  /** Key-encryption key for the auth service's signing keys: 32 random bytes, base64. */
  kek: string;
  kekFile: string;
  /** Absolute paths of the self-signed TLS certificate (CN=localhost) and its private key, PEM. */
  tlsCertFile: string;
  tlsKeyFile: string;
}

/** A certificate this close to its end is replaced on the next start. */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;
const CERT_VALIDITY_DAYS = 365;

/**
 * The secrets of a local installation, generated on first use and reused after:
 *   <dataDir>/secrets/kek            the key-encryption key (0600)
 *   <dataDir>/tls/cert.pem, key.pem  a self-signed certificate for localhost, 127.0.0.1 and ::1
 * Directories are 0700. The KEK is never regenerated (signing keys encrypted with
 * it would be lost): a damaged file is an error to resolve by hand.
 */
export async function ensureLocalSecrets(dataDir: string): Promise<LocalSecrets> {
  const root = resolve(dataDir);
  ensureDir(root);
  const secretsDir = join(root, 'secrets');
  const tlsDir = join(root, 'tls');
  ensureDir(secretsDir);
  ensureDir(tlsDir);

  const kekFile = join(secretsDir, 'kek');
  const kek = ensureKek(kekFile);

  const tlsCertFile = join(tlsDir, 'cert.pem');
  const tlsKeyFile = join(tlsDir, 'key.pem');
  if (!usableCertificate(tlsCertFile, tlsKeyFile)) {
    // Parallel callers (test workers sharing a data dir) must not pair one's key with another's certificate.
    await withLock(join(tlsDir, '.lock'), async () => {
      if (usableCertificate(tlsCertFile, tlsKeyFile)) return;
      const pems = await generateLocalhostCertificate();
      writeAtomically(tlsKeyFile, pems.key, 0o600);
      writeAtomically(tlsCertFile, pems.cert, 0o644);
    });
  }
  return { kek, kekFile, tlsCertFile, tlsKeyFile };
}

/** A self-signed ECDSA P-256 / SHA-256 server certificate for localhost. */
export async function generateLocalhostCertificate(days = CERT_VALIDITY_DAYS): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - 60_000); // tolerate a little clock skew
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

function ensureDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

function ensureKek(file: string): string {
  if (!existsSync(file)) {
    const fresh = randomBytes(32).toString('base64');
    try {
      // 'wx': when two launchers race, one writes and the other reads the winner's key.
      writeFileSync(file, fresh + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(file, 0o600);
  const kek = readFileSync(file, 'utf8').trim();
  if (Buffer.from(kek, 'base64').length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(kek)) {
    throw new Error(
      `${file} does not hold 32 bytes in base64. It encrypts the signing keys: restore it, ` +
        `or delete it together with the auth database to start afresh.`,
    );
  }
  return kek;
}

function usableCertificate(certFile: string, keyFile: string): boolean {
  if (!existsSync(certFile) || !existsSync(keyFile)) return false;
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    if (!cert.checkPrivateKey(createPrivateKey(readFileSync(keyFile)))) return false;
    return new Date(cert.validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

function writeAtomically(file: string, content: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode); // the umask may have narrowed or the file pre-existed
  renameSync(tmp, file);
}

const LOCK_STALE_MS = 30_000;

async function withLock(lockFile: string, work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + LOCK_STALE_MS + 5_000;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    try {
      // A holder that died leaves its lock behind.
      if (Date.now() - statSync(lockFile).mtimeMs > LOCK_STALE_MS) rmSync(lockFile, { force: true });
    } catch {
      // released meanwhile
    }
    if (Date.now() > deadline) throw new Error(`${lockFile} is held by another process`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
