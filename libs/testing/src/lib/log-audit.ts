import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The log audit: every service started by the e2e suites appends its output to
 * <dir>/logs/, the harness notes every secret it handles (client secrets,
 * tokens) in <dir>/known-secrets.txt, and after the whole suite (jest's
 * globalTeardown) every line is checked: no known secret, nothing shaped like
 * a token, a private key or a credential appears.
 *
 * The directory comes from GATEHOUSE_E2E_LOG_DIR, set by the global setup; a
 * single file run without it (e.g. `jest some.e2e.ts` with another config) records nothing.
 */
export const LOG_DIR_ENV = 'GATEHOUSE_E2E_LOG_DIR';
/** Set when the global setup made the folder itself (only then does a clean run remove it). */
export const CREATED_ENV = 'GATEHOUSE_E2E_LOG_DIR_CREATED';

export function auditDir(): string | undefined {
  return process.env[LOG_DIR_ENV] || undefined;
}

/** Where a service's output goes, or undefined when no audit runs. */
export function auditLogFile(name: string): string | undefined {
  const dir = auditDir();
  return dir ? join(dir, 'logs', `${name}.log`) : undefined;
}

/** Notes a secret the suite handled, so the audit can look for it verbatim. */
export function recordSecret(value: string | undefined): void {
  const dir = auditDir();
  if (!dir || !value) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'known-secrets.txt'), `${value}\n`);
}

export interface LogFinding {
  file: string;
  line: number;
  what: string;
}

/** Shapes that must never be written, whatever the value. */
export const SECRET_SHAPES: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'a JWT', pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/ },
  { what: 'a PEM private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "a JWK's private part", pattern: /"d"\s*:\s*"[A-Za-z0-9_-]{16,}"/ },
  // Also inside a JSON string that holds JSON (a raw body logged): client_secret\":\"…
  { what: 'a client secret value', pattern: /client_secret(?:\\?")?\s*[:=]\s*(?:\\?")?(?!\[redacted\])[A-Za-z0-9_~.+/-]{16,}/i },
  { what: 'an Authorization header value', pattern: /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/i },
];

/** Checks lines against known secret values and the shapes above; reports where, never the value. */
export function scanLines(file: string, lines: string[], known: ReadonlySet<string>): LogFinding[] {
  const findings: LogFinding[] = [];
  lines.forEach((text, i) => {
    for (const { what, pattern } of SECRET_SHAPES) if (pattern.test(text)) findings.push({ file, line: i + 1, what });
    for (const secret of known) {
      if (text.includes(secret)) findings.push({ file, line: i + 1, what: 'a secret the suite handled, verbatim' });
      // A JWT's signature alone is enough to be a leak worth reporting.
      const signature = secret.split('.')[2];
      if (signature && signature.length >= 16 && text.includes(signature)) findings.push({ file, line: i + 1, what: "a token's signature" });
    }
  });
  return findings;
}

export interface AuditResult {
  files: number;
  lines: number;
  knownSecrets: number;
  findings: LogFinding[];
}

/** Scans every file under <dir>/logs against <dir>/known-secrets.txt. */
export function auditLogs(dir: string): AuditResult {
  const knownFile = join(dir, 'known-secrets.txt');
  const known = new Set(
    existsSync(knownFile)
      ? readFileSync(knownFile, 'utf8')
          .split('\n')
          .filter((s) => s.length >= 8)
      : [],
  );
  const logDir = join(dir, 'logs');
  const files = existsSync(logDir) ? readdirSync(logDir).filter((f) => f.endsWith('.log')) : [];
  const result: AuditResult = { files: files.length, lines: 0, knownSecrets: known.size, findings: [] };
  for (const f of files) {
    const lines = readFileSync(join(logDir, f), 'utf8').split('\n');
    result.lines += lines.length;
    result.findings.push(...scanLines(f, lines, known));
  }
  return result;
}
