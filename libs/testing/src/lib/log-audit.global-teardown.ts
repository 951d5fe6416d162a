import { rmSync } from 'node:fs';
import { auditLogs, CREATED_ENV, LOG_DIR_ENV } from './log-audit';

/**
 * After the whole suite: every log line any service wrote is checked for
 * secrets. A finding fails the run (and keeps the folder for a look); a clean
 * run removes it.
 */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env[LOG_DIR_ENV];
  if (!dir) return;
  const result = auditLogs(dir);
  if (result.findings.length > 0) {
    const shown = result.findings.slice(0, 20).map((f) => `  ${f.file}:${f.line}: ${f.what}`);
    throw new Error(
      `log audit: ${result.findings.length} secret(s) in the services' logs (${dir} kept):\n${shown.join('\n')}`,
    );
  }
  process.stdout.write(
    `\nlog audit: ${result.lines} lines in ${result.files} service logs, ${result.knownSecrets} known secrets and every secret shape checked: none found\n`,
  );
  if (process.env[CREATED_ENV] === dir) rmSync(dir, { recursive: true, force: true });
}
