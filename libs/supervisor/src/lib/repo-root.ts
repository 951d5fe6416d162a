import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The workspace root: the nearest directory above this file that holds nx.json.
 * Works from the sources (libs/supervisor/src/lib) and from the compiled tree
 * (dist/libs/supervisor/src/lib), which has no nx.json of its own.
 */
export function repoRoot(from: string = __dirname): string {
  if (from === __dirname && cached) return cached;
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) {
      if (from === __dirname) cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json found above ${from}: cannot locate the repository root`);
    dir = parent;
  }
}

/** The preload script that resolves the @gatehouse/* aliases of compiled code in dist/. */
export function registerPathsScript(root: string = repoRoot()): string {
  return join(root, 'tools', 'runtime', 'register-paths.js');
}
