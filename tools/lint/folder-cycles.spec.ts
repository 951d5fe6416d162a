import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Inside an app, the top-level folders (one capability each) must not import
 * each other in a circle: a cycle means neither can be understood, tested or
 * moved alone (auth's keys/ and tokens/ once did).
 */
const ROOT = resolve(__dirname, '../..');
const APPS = ['auth', 'gateway', 'identity', 'policy', 'portal'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** folder → the sibling folders its files import. */
function folderGraph(app: string): Map<string, Set<string>> {
  const src = join(ROOT, 'apps', app, 'src');
  const graph = new Map<string, Set<string>>();
  for (const file of sources(src)) {
    const rel = file.slice(src.length + 1).split('/');
    if (rel.length < 2) continue;
    const from = rel[0];
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = resolve(join(file, '..'), spec).slice(src.length + 1).split('/');
      if (target.length >= 2 && target[0] !== from) edges.add(target[0]);
    }
  }
  return graph;
}

function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const next of graph.get(n) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of graph.keys()) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return null;
}

describe('folder cycles inside each app', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const g = new Map([
      ['keys', new Set(['tokens'])],
      ['tokens', new Set(['keys'])],
    ]);
    expect(findCycle(g)).toEqual(['keys', 'tokens', 'keys']);
  });

  it.each(APPS)('%s has no cycle between its capability folders', (app) => {
    expect(findCycle(folderGraph(app))).toBeNull();
  });
});
