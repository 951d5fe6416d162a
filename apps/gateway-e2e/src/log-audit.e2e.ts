import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLogs, scanLines } from '@gatehouse/testing';

/**
 * The log audit that runs after the whole e2e suite (libs/testing: log-audit.global-teardown.ts)
 * must be able to fail: here it is shown leaks, one of each kind, and clean lines.
 */
describe('log audit', () => {
  const jwt = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2lnbmF0dXJlLW9mLWEtcmVhbC1sb29raW5nLXRva2Vu';
  const secret = 'Zx9_k2LmQ7rT4vWb8NcE1fGh3JkPs6UyA0iOdXqMnRt';

  it.each([
    ['a token in a message', `{"msg":"issued ${jwt}"}`, 'a JWT'],
    ['a PEM private key', '{"msg":"-----BEGIN PRIVATE KEY-----"}', 'a PEM private key'],
    ['an EC PEM private key', '-----BEGIN EC PRIVATE KEY-----', 'a PEM private key'],
    ["a JWK's d", '{"kty":"EC","d":"AbCdEfGhIjKlMnOpQrStUvWx"}', "a JWK's private part"],
    ['a client secret field', '{"body":{"client_secret":"abcdefghijklmnopqrstu"}}', 'a client secret value'],
    ['a form client secret', 'grant_type=client_credentials&client_secret=abcdefghijklmnopqrstu', 'a client secret value'],
    ['a bearer header', '{"authorization":"Bearer abcdefghijklmnopqrstuvwxyz"}', 'an Authorization header value'],
    ['a basic header', '{"authorization":"Basic Y2xpZW50OnNlY3JldHNlY3JldA=="}', 'an Authorization header value'],
    ['a lower-case scheme', '{"authorization":"basic Y2xpZW50OnNlY3JldHNlY3JldA=="}', 'an Authorization header value'],
    ['a raw body logged as a string', '{"body":"{\\"client_secret\\":\\"abcdefghijklmnopqrstu\\"}"}', 'a client secret value'],
  ])('finds %s', (_name, line, what) => {
    expect(scanLines('x.log', ['{"msg":"fine"}', line], new Set())).toEqual([{ file: 'x.log', line: 2, what }]);
  });

  it('finds a secret the suite handled, verbatim, and a token by its signature alone', () => {
    const found = scanLines('x.log', [`{"msg":"bad ${secret}"}`, `{"sig":"${jwt.split('.')[2]}"}`], new Set([secret, jwt]));
    expect(found.map((f) => [f.line, f.what])).toEqual([
      [1, 'a secret the suite handled, verbatim'],
      [2, "a token's signature"],
    ]);
  });

  it('passes what the services do write: redacted fields, ids, request lines', () => {
    const lines = [
      '{"level":30,"service":"gateway","request_id":"7c9e6679-7425-40de-944b-e07fc1f66afe","msg":"request completed","url":"/v1/auth/token","status":200}',
      '{"level":30,"body":{"client_id":"5f0c1b2e-8d3a-4c1f-9a7e-2b6d8e0f1a3c","client_secret":"[redacted]"},"headers":{"authorization":"[redacted]"}}',
      '{"level":40,"msg":"token refused: signature invalid","kid":"2c5b6a1e-0f1d-4e4a-8c3b-9d7e6f5a4b3c"}',
    ];
    expect(scanLines('x.log', lines, new Set([secret, jwt]))).toEqual([]);
  });

  it('reads every service log in the folder and the secrets the harness noted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-test-'));
    try {
      mkdirSync(join(dir, 'logs'));
      writeFileSync(join(dir, 'known-secrets.txt'), `${secret}\n`);
      writeFileSync(join(dir, 'logs', 'a-auth.log'), '{"msg":"clean"}\n');
      writeFileSync(join(dir, 'logs', 'a-gateway.log'), `{"msg":"clean"}\n{"msg":"${secret}"}\n`);
      const result = auditLogs(dir);
      expect(result).toMatchObject({ files: 2, knownSecrets: 1 });
      expect(result.findings).toEqual([{ file: 'a-gateway.log', line: 2, what: 'a secret the suite handled, verbatim' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
