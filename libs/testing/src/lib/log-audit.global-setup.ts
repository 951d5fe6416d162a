import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CREATED_ENV, LOG_DIR_ENV } from './log-audit';

/** One log-audit folder for the whole e2e run; test files inherit it through the environment. */
export default async function globalSetup(): Promise<void> {
  if (process.env[LOG_DIR_ENV]) return; // the caller's folder: kept, never removed
  process.env[LOG_DIR_ENV] = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-logs-'));
  process.env[CREATED_ENV] = process.env[LOG_DIR_ENV];
}
