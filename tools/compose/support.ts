/**
 * Readers for the container files at the repository root (docker-compose.yml,
 * Dockerfile, .dockerignore) and a runner for dclint, for compose.spec.ts.
 * There is no Docker engine in development or CI: these check the files by
 * construction, as far as a parser can.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');
export const repoPath = (...parts: string[]): string => join(REPO_ROOT, ...parts);

// ---- docker-compose.yml ---------------------------------------------------

export interface ComposeHealthcheck {
  test?: string | string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  disable?: boolean;
}

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  container_name?: string;
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: Array<string | { type?: string; source?: string; target: string; read_only?: boolean }>;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target: number; published?: string | number; host_ip?: string }>;
  command?: string | string[];
  restart?: string;
  healthcheck?: ComposeHealthcheck;
  user?: string;
  init?: boolean;
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The compose file as Compose sees it before interpolation: YAML with `<<` merge keys resolved. */
export function readCompose(file = repoPath('docker-compose.yml')): ComposeFile {
  return parseYaml(readFileSync(file, 'utf8'), { merge: true }) as ComposeFile;
}

/** A service's environment as a map (the list form `KEY=value` too); values not interpolated. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  const raw = service.environment ?? {};
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const eq = entry.indexOf('=');
      env[eq < 0 ? entry : entry.slice(0, eq)] = eq < 0 ? '' : entry.slice(eq + 1);
    }
  } else {
    for (const [k, v] of Object.entries(raw)) env[k] = v === null ? '' : String(v);
  }
  return env;
}

export function dependenciesOf(service: ComposeService): Record<string, { condition?: string }> {
  const deps = service.depends_on ?? {};
  return Array.isArray(deps) ? Object.fromEntries(deps.map((d) => [d, {}])) : deps;
}

/** Volume mounts as {source, target, readOnly}, short syntax (`src:dst[:ro]`) or long. */
export function mountsOf(service: ComposeService): Array<{ source: string; target: string; readOnly: boolean }> {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? '', target: v.target, readOnly: v.read_only === true };
    const parts = splitOutsideBraces(v, ':');
    const [source, target, mode = ''] = parts.length === 1 ? ['', parts[0]] : parts;
    return { source, target, readOnly: mode.split(',').includes('ro') };
  });
}

/** Splits on `sep` except inside `${...}` (whose defaults may contain the separator). */
function splitOutsideBraces(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      current += '${';
      i++;
      continue;
    }
    if (s[i] === '}' && depth > 0) depth--;
    if (s[i] === sep && depth === 0) {
      out.push(current);
      current = '';
      continue;
    }
    current += s[i];
  }
  out.push(current);
  return out;
}

export class MissingVariableError extends Error {}

/**
 * Compose's variable interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}`
 * (defaults may nest). Throws MissingVariableError for a required variable that is unset.
 */
export function interpolate(value: string, vars: Record<string, string | undefined>): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let depth = 1;
      let j = i + 2;
      for (; j < value.length && depth > 0; j++) {
        if (value[j] === '{') depth++;
        else if (value[j] === '}') depth--;
      }
      if (depth !== 0) throw new Error(`unclosed \${ in ${JSON.stringify(value)}`);
      out += expand(value.slice(i + 2, j - 1), vars);
      i = j;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + 1));
    if (!name) throw new Error(`invalid $ in ${JSON.stringify(value)} (write $$ for a literal $)`);
    out += vars[name[0]] ?? '';
    i += 1 + name[0].length;
  }
  return out;
}

function expand(expr: string, vars: Record<string, string | undefined>): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([\s\S]*))?$/.exec(expr);
  if (!m) throw new Error(`invalid substitution \${${expr}}`);
  const [, name, colon, op, rest = ''] = m;
  const value = vars[name];
  const unset = colon ? value === undefined || value === '' : value === undefined;
  if (!op) return value ?? '';
  if (op === '-') return unset ? interpolate(rest, vars) : (value as string);
  if (op === '+') return unset ? '' : interpolate(rest, vars);
  if (unset) throw new MissingVariableError(`${name}: ${rest}`);
  return value as string;
}

/** Every variable a string reads, with how: `required` when unset is an error. */
export function variablesIn(value: string): Array<{ name: string; required: boolean; hasDefault: boolean }> {
  const found: Array<{ name: string; required: boolean; hasDefault: boolean }> = [];
  const re = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?+]))?|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  const unescaped = value.replace(/\$\$/g, '');
  for (const m of unescaped.matchAll(re)) {
    found.push({ name: m[1] ?? m[3], required: m[2] === '?', hasDefault: m[2] === '-' });
  }
  return found;
}

// ---- Dockerfile -------------------------------------------------------------

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

export interface DockerStage {
  /** The stage name (`AS name`), or its index when unnamed. */
  name: string;
  from: string;
  line: number;
  instructions: DockerInstruction[];
}

/** Stages and instructions; comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text.split(/\r?\n/);
  let pending = '';
  let startLine = 0;
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    if (!pending && /^\s*(#.*)?$/.test(raw)) continue;
    if (pending && /^\s*#/.test(raw)) continue; // comment lines inside a continuation
    if (!pending) startLine = n + 1;
    const continued = /\\\s*$/.test(raw);
    pending += (pending ? ' ' : '') + raw.replace(/\\\s*$/, '').trim();
    if (continued) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(pending);
    pending = '';
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const args = m[2].trim();
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${startLine}: cannot read FROM ${args}`);
      stages.push({ name: from[2] ?? String(stages.length), from: from[1], line: startLine, instructions: [] });
      continue;
    }
    if (!stages.length) continue; // ARG before the first FROM
    stages[stages.length - 1].instructions.push({ keyword, args, line: startLine });
  }
  return stages;
}

/** The stage and its ancestors (`FROM <stage>`), nearest first. */
export function stageChain(stages: DockerStage[], name: string): DockerStage[] {
  const chain: DockerStage[] = [];
  let current = stages.find((s) => s.name === name);
  while (current && !chain.includes(current)) {
    chain.push(current);
    const parent = current.from;
    current = stages.find((s) => s.name === parent);
  }
  return chain;
}

/** The last value of an instruction along a stage's chain (e.g. USER, CMD), nearest stage first. */
export function effective(stages: DockerStage[], name: string, keyword: string): DockerInstruction | undefined {
  for (const stage of stageChain(stages, name)) {
    const found = stage.instructions.filter((i) => i.keyword === keyword);
    if (found.length) return found[found.length - 1];
  }
  return undefined;
}

/** `COPY [--from=x] [--chown=..] src... dest` (shell or JSON form). */
export function copySources(instruction: DockerInstruction): { from?: string; sources: string[]; dest: string } {
  let rest = instruction.args;
  let from: string | undefined;
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
    if (!flag) break;
    if (flag[1] === 'from') from = flag[2];
    rest = rest.slice(flag[0].length);
  }
  const parts: string[] = rest.startsWith('[') ? JSON.parse(rest) : rest.split(/\s+/);
  return { from, sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
}

// ---- .dockerignore ------------------------------------------------------------

/**
 * Whether .dockerignore keeps a path (relative, `/`-separated) out of the build
 * context, as Docker reads it: patterns are anchored at the context root, `*`
 * and `?` stay within a path segment, `**` crosses them, a matching directory
 * excludes what it holds, `!` re-includes, and the last matching pattern wins.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: globToRegExp(pattern) };
    });
  return (path: string) => {
    const clean = path.replace(/^\.?\/+/, '');
    const segments = clean.split('/');
    let excluded = false;
    for (const { negate, re } of rules) {
      // The path itself or any of its parent directories.
      for (let k = segments.length; k > 0; k--) {
        if (re.test(segments.slice(0, k).join('/'))) {
          excluded = !negate;
          break;
        }
      }
    }
    return excluded;
  };
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` anything.
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

// ---- dclint -------------------------------------------------------------------

export interface DclintMessage {
  rule: string;
  type: 'error' | 'warning';
  message: string;
  line: number;
}

export interface DclintResult {
  /** The CLI's exit status: non-zero on errors, or on warnings with maxWarnings 0. */
  status: number;
  files: Array<{ filePath: string; messages: DclintMessage[]; errorCount: number; warningCount: number }>;
  /** stderr and any unparsed output, for failure messages. */
  output: string;
}

/** Runs the dclint CLI of node_modules on one file with the repository's .dclintrc.yml. */
export function runDclint(file: string, opts: { maxWarnings?: number } = {}): Promise<DclintResult> {
  const bin = join(dirname(require.resolve('dclint/package.json')), 'bin', 'dclint.cjs');
  const args = [bin, file, '--config', repoPath('.dclintrc.yml'), '--formatter', 'json'];
  if (opts.maxWarnings !== undefined) args.push('--max-warnings', String(opts.maxWarnings));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && status === -1) return reject(err);
      let files: DclintResult['files'] = [];
      try {
        files = JSON.parse(stdout);
      } catch {
        // Not JSON: a crash or a usage error; reported through `output`.
      }
      resolve({ status, files, output: `${stderr}${files.length ? '' : stdout}` });
    });
  });
}
