/**
 * The npm scripts run the tools as `node dist/tools/<tool>/src/main.js`, without
 * `-r tools/runtime/register-paths.js`: each tool's main.ts imports this file first,
 * before any @gatehouse/* alias, and it registers them. Under Jest (TypeScript
 * sources) the aliases are mapped already and nothing is done; registering twice
 * (with `-r`) is harmless.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

if (__filename.endsWith('.js')) {
  let dir = __dirname;
  // The repository (or an image's /app, which has no nx.json) is where the path map lives.
  while (!existsSync(join(dir, 'tools', 'runtime', 'register-paths.js')) && dirname(dir) !== dir) dir = dirname(dir);
  require(join(dir, 'tools', 'runtime', 'register-paths.js'));
}
