import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every app and every lib has its own owners: a new folder without a CODEOWNERS line fails here. */
const root = join(__dirname, '..', '..');

function ownedPaths(codeowners: string): Map<string, string[]> {
  const owned = new Map<string, string[]>();
  for (const line of codeowners.split('\n')) {
    const [path, ...owners] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (path && owners.length > 0) owned.set(path, owners);
  }
  return owned;
}

function folders(parent: string): string[] {
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `/${parent}/${d.name}/`);
}

describe('CODEOWNERS', () => {
  const owned = ownedPaths(readFileSync(join(root, 'CODEOWNERS'), 'utf8'));

  it.each([...folders('apps'), ...folders('libs')])('names the owners of %s', (folder) => {
    expect(owned.get(folder)?.every((o) => o.startsWith('@'))).toBe(true);
  });

  it('reads a line as a path and its owners (a folder missing from the file is missing here)', () => {
    const sample = ownedPaths('# comment\n*  @org/all\n/libs/a/   @org/x @org/y  # why\n/libs/b/\n');
    expect(sample.get('/libs/a/')).toEqual(['@org/x', '@org/y']);
    expect(sample.has('/libs/b/')).toBe(false);
    expect(sample.has('/libs/c/')).toBe(false);
  });
});
