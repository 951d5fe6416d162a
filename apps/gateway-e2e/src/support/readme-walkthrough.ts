/**
 * The README's "A walk-through with curl" block, read from README.md at run
 * time so that the test runs exactly what a reader pastes.
 *
 * The block's conventions, which the test holds it to:
 * - its first line is `CLIENT_ID=...; CLIENT_SECRET=...; BASE=<url>`, the line a
 *   reader fills in from what `npm start` prints;
 * - every curl call answers 2xx, unless its command ends with a comment naming
 *   the expected status (`... # 401`, `... # 403: the role does not allow it`).
 */
export const WALKTHROUGH_HEADING = '## A walk-through with curl';

export interface WalkthroughBlock {
  code: string;
  /** README line number (1-based) of the block's first line. */
  firstLine: number;
}

export interface CurlStep {
  /** README line number where the command starts. */
  line: number;
  /** The command as written (continuation lines joined). */
  command: string;
  /** The status it must answer: an exact one from its comment, or any 2xx. */
  expected: number | '2xx';
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  baseUrl: string;
}

const PLACEHOLDER = /^CLIENT_ID=\.\.\.; CLIENT_SECRET=\.\.\.; BASE=\S+$/m;

/** The first ```sh block under the walk-through heading. */
export function walkthroughBlock(readme: string): WalkthroughBlock {
  const lines = readme.split('\n');
  const heading = lines.findIndex((l) => l.trim() === WALKTHROUGH_HEADING);
  if (heading < 0) throw new Error(`README.md has no "${WALKTHROUGH_HEADING}" section`);
  const open = lines.findIndex((l, i) => i > heading && l.trim() === '```sh');
  const nextHeading = lines.findIndex((l, i) => i > heading && l.startsWith('## '));
  if (open < 0 || (nextHeading >= 0 && open > nextHeading)) throw new Error('the walk-through has no ```sh block');
  const close = lines.findIndex((l, i) => i > open && l.trim() === '```');
  if (close < 0) throw new Error('the walk-through block is not closed');
  return { code: lines.slice(open + 1, close).join('\n'), firstLine: open + 2 };
}

/** The block with its placeholder line filled in (single-quoted: pasted values, taken literally). */
export function withCredentials(code: string, c: Credentials): string {
  const matches = code.match(new RegExp(PLACEHOLDER.source, 'gm')) ?? [];
  if (matches.length !== 1) {
    throw new Error(`the walk-through must start from one "CLIENT_ID=...; CLIENT_SECRET=...; BASE=..." line (found ${matches.length})`);
  }
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return code.replace(PLACEHOLDER, `CLIENT_ID=${q(c.clientId)}; CLIENT_SECRET=${q(c.clientSecret)}; BASE=${q(c.baseUrl)}`);
}

/** Every curl call of the block, in order, with the status its comment promises. */
export function curlSteps(block: WalkthroughBlock): CurlStep[] {
  const steps: CurlStep[] = [];
  const lines = block.code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let command = lines[i];
    while (command.endsWith('\\') && i + 1 < lines.length) command = command.slice(0, -1) + lines[++i];
    if (/^\s*#/.test(command)) continue;
    const status = command.match(/\s#\s*(\d{3})\b[^'"]*$/);
    const code = status ? command.slice(0, status.index) : command;
    const calls = code.match(/(^|[\s($|])curl\s/g)?.length ?? 0;
    for (let n = 0; n < calls; n++) {
      steps.push({ line: block.firstLine + start, command: command.trim(), expected: status ? Number(status[1]) : '2xx' });
    }
  }
  return steps;
}

export function statusMatches(status: number, expected: CurlStep['expected']): boolean {
  return expected === '2xx' ? status >= 200 && status < 300 : status === expected;
}

/**
 * Prepended to the block: `curl` becomes a function that runs the real curl,
 * prints the body as curl would (so `$(curl … | sed …)` captures the same), and
 * appends `status<TAB>method<TAB>url<TAB>base64(body)` to $WALKTHROUGH_LOG. The
 * arguments (secrets, tokens) are not recorded. `set -euo pipefail`: an unset
 * variable or a failing command stops the walk-through.
 */
export const RECORDING_PRELUDE = `set -euo pipefail
curl() {
  local body meta
  body=$(mktemp)
  meta=$(command curl "$@" -o "$body" -w '%{http_code}\\t%{method}\\t%{url_effective}') || meta="000\\t?\\tcurl exit $?"
  cat "$body"
  printf '%b\\t%s\\n' "$meta" "$(base64 < "$body" | tr -d '\\n')" >> "$WALKTHROUGH_LOG"
  rm -f "$body"
}
`;

export interface RecordedCall {
  status: number;
  method: string;
  url: string;
  body: string;
}

export function parseRecording(log: string): RecordedCall[] {
  return log
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [status, method, url, body64] = l.split('\t');
      return { status: Number(status), method, url, body: Buffer.from(body64 ?? '', 'base64').toString('utf8') };
    });
}
