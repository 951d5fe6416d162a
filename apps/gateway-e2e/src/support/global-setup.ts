import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_DIR_ENV } from './log-audit';

/** One log-audit folder for the whole e2e run; test files inherit it through the environment. */
export default async function globalSetup(): Promise<void> {
  process.env[LOG_DIR_ENV] ??= mkdtempSync(join(tmpdir(), 'gatehouse-e2e-logs-'));
}
