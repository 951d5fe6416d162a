import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalSecrets } from './local-secrets';

describe('ensureLocalSecrets', () => {
  let base: string;
  beforeEach(() => (base = mkdtempSync(join(tmpdir(), 'gh-secrets-'))));
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('creates a 32-byte KEK and a localhost certificate with private permissions', async () => {
    const dataDir = join(base, '.data');
    const s = await ensureLocalSecrets(dataDir);

    expect(Buffer.from(s.kek, 'base64')).toHaveLength(32);
    expect(readFileSync(s.kekFile, 'utf8').trim()).toBe(s.kek);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(statSync(s.kekFile).mode & 0o777).toBe(0o600);
    expect(statSync(s.tlsKeyFile).mode & 0o777).toBe(0o600);
    expect(s.tlsCertFile).toBe(join(dataDir, 'tls', 'cert.pem'));
    expect(s.tlsKeyFile).toBe(join(dataDir, 'tls', 'key.pem'));
  });

  it('issues the certificate for CN=localhost with DNS:localhost, IP:127.0.0.1 and IP:::1', async () => {
    const s = await ensureLocalSecrets(join(base, 'd'));
    const cert = new X509Certificate(readFileSync(s.tlsCertFile));

    expect(cert.subject).toContain('CN=localhost');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toMatch(/IP Address:(::1|0:0:0:0:0:0:0:1)/);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkPrivateKey(createPrivateKey(readFileSync(s.tlsKeyFile)))).toBe(true);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);
  });

  it('reuses the secrets on later calls', async () => {
    const dir = join(base, 'd');
    const first = await ensureLocalSecrets(dir);
    const cert = readFileSync(first.tlsCertFile, 'utf8');
    const second = await ensureLocalSecrets(dir);

    expect(second).toEqual(first);
    expect(readFileSync(second.tlsCertFile, 'utf8')).toBe(cert);
  });

  it('refuses a damaged KEK instead of replacing it', async () => {
    const dir = join(base, 'd');
    const first = await ensureLocalSecrets(dir);
    writeFileSync(first.kekFile, 'not-a-key\n');

    await expect(ensureLocalSecrets(dir)).rejects.toThrow(/does not hold 32 bytes/);
  });

  it('replaces a certificate whose key file is missing', async () => {
    const dir = join(base, 'd');
    const first = await ensureLocalSecrets(dir);
    const cert = readFileSync(first.tlsCertFile, 'utf8');
    rmSync(first.tlsKeyFile);
    const second = await ensureLocalSecrets(dir);

    expect(readFileSync(second.tlsCertFile, 'utf8')).not.toBe(cert);
    expect(second.kek).toBe(first.kek);
  });
});

describe('ensureLocalSecrets in parallel', () => {
  it('gives every caller the same KEK and a certificate that matches its key', async () => {
    const base = mkdtempSync(join(tmpdir(), 'gh-secrets-par-'));
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => ensureLocalSecrets(join(base, 'd'))));
      expect(new Set(results.map((r) => r.kek)).size).toBe(1);
      const cert = new X509Certificate(readFileSync(results[0].tlsCertFile));
      expect(cert.checkPrivateKey(createPrivateKey(readFileSync(results[0].tlsKeyFile)))).toBe(true);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
