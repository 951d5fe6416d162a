import { isUuid } from '@gatehouse/contracts';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { Command, OptionValues } from './commands/command';
import { UsageError } from './errors';

export type ParsedCommandLine =
  /** `--help`, `help`, or nothing at all. `topic` is the one or two words given, if any. */
  | { kind: 'help'; topic: string[]; json: boolean }
  | { kind: 'run'; command: Command; values: OptionValues; json: boolean };

const GLOBAL_FLAGS = new Set(['--json', '--help', '-h']);

/**
 * `[--json] <group> <action> [options]`: the command words come first (global
 * flags may precede or follow them), then the command's own options, parsed
 * strictly with util.parseArgs. Throws UsageError for anything it does not know.
 */
export function parseCommandLine(argv: readonly string[], commands: readonly Command[]): ParsedCommandLine {
  const json = argv.includes('--json');
  const help = argv.includes('--help') || argv.includes('-h');

  // The leading words name the command.
  const words: string[] = [];
  let rest = 0;
  for (; rest < argv.length && words.length < 2; rest++) {
    const a = argv[rest];
    if (GLOBAL_FLAGS.has(a)) continue;
    if (a.startsWith('-')) break;
    words.push(a);
  }

  if (words[0] === 'help') {
    // `help project create`: the words after `help` are the topic (up to two).
    const topic = argv.slice(rest).filter((a) => !a.startsWith('-'));
    words.push(...topic);
    const t = words.slice(1, 3);
    if (t.length && !commands.some((c) => t.every((w, i) => c.words[i] === w))) {
      throw new UsageError(`unknown command "${t.join(' ')}"`);
    }
    return { kind: 'help', topic: t, json };
  }
  if (words.length === 0) {
    if (help || argv.length === 0) return { kind: 'help', topic: [], json };
    throw new UsageError(`unknown option ${argv.find((a) => !GLOBAL_FLAGS.has(a))}`);
  }

  const group = commands.filter((c) => c.words[0] === words[0]);
  if (group.length === 0) throw new UsageError(`unknown command "${words[0]}"`);
  if (words.length === 1) {
    if (help) return { kind: 'help', topic: words, json };
    throw new UsageError(`"${words[0]}" needs an action: ${group.map((c) => c.words[1]).join(', ')}`, words[0]);
  }
  const command = group.find((c) => c.words[1] === words[1]);
  if (!command) {
    throw new UsageError(
      `unknown command "${words.join(' ')}" (${words[0]} actions: ${group.map((c) => c.words[1]).join(', ')})`,
      words[0],
    );
  }
  if (help) return { kind: 'help', topic: words, json };

  const topic = command.words.join(' ');
  const options: NonNullable<ParseArgsConfig['options']> = { json: { type: 'boolean' } };
  for (const [name, spec] of Object.entries(command.options)) options[name] = { type: spec.type };

  let values: OptionValues;
  try {
    const parsed = parseArgs({ args: argv.slice(rest), options, strict: true, allowPositionals: false });
    values = parsed.values as OptionValues; // no option is `multiple`
  } catch (err) {
    throw new UsageError(cleanParseError((err as Error).message), topic);
  }

  const missing = Object.entries(command.options)
    .filter(([name, spec]) => spec.required && values[name] === undefined)
    .map(([name, spec]) => `--${name} ${spec.placeholder ?? ''}`.trim());
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`, topic);

  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    if (spec.format === 'uuid' && typeof value === 'string' && !isUuid(value)) {
      throw new UsageError(`--${name} must be a UUID, got ${JSON.stringify(value)}`, topic);
    }
  }

  delete values['json'];
  return { kind: 'run', command, values, json };
}

/** parseArgs's messages, in the CLI's words. */
export function cleanParseError(message: string): string {
  const first = message.split(/\.\s|\n/)[0];
  let m: RegExpMatchArray | null;
  if ((m = first.match(/^Unknown option '([^']+)'/))) return `unknown option ${m[1]}`;
  if ((m = first.match(/^Unexpected argument '([^']*)'/))) return `unexpected argument "${m[1]}"`;
  if ((m = first.match(/^Option '(-[^' ]+)[^']*' argument (missing|is ambiguous)/))) {
    return `option ${m[1]} needs a value`;
  }
  return first;
}
