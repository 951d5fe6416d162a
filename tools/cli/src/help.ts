import { Command } from './commands/command';

const PROGRAM = 'npm run cli --';

function synopsis(c: Command): string {
  const opts = Object.entries(c.options).map(([name, spec]) => {
    const flag = spec.type === 'string' ? `--${name} ${spec.placeholder ?? '<value>'}` : `--${name}`;
    return spec.required ? flag : `[${flag}]`;
  });
  return [...c.words, ...opts].join(' ');
}

/** The usage text for everything, one group (`project`), or one command (`project create`). */
export function helpText(commands: readonly Command[], topic: readonly string[] = []): string {
  const selected = commands.filter((c) => topic.every((w, i) => c.words[i] === w));
  const shown = selected.length ? selected : commands;

  if (shown.length === 1 && topic.length === 2) {
    const c = shown[0];
    const lines = [`Usage: ${PROGRAM} ${synopsis(c)} [--json]`, '', c.summary, ''];
    const rows = Object.entries(c.options).map(([name, spec]) => [
      spec.type === 'string' ? `--${name} ${spec.placeholder ?? '<value>'}` : `--${name}`,
      spec.description,
    ]);
    rows.push(['--json', 'Print exactly one JSON object on stdout']);
    rows.push(['-h, --help', 'Show this help']);
    lines.push('Options:', ...columns(rows));
    return lines.join('\n');
  }

  const width = Math.max(...shown.map((c) => synopsis(c).length));
  return [
    `Usage: ${PROGRAM} <command> [options] [--json]`,
    '',
    'Operator commands of the auth service, sent over NATS (NATS_URL, NATS_SUBJECT_PREFIX,',
    'NATS_USER, NATS_PASSWORD as for the services). The services must be running: npm start.',
    '',
    'Commands:',
    ...shown.map((c) => `  ${synopsis(c).padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    ...columns([
      ['--json', 'Print exactly one JSON object on stdout (errors: {"error":{"code","message"}})'],
      ['-h, --help', 'Show help (also: <command> --help)'],
    ]),
    '',
    'Exit codes: 0 success, 1 failure, 2 usage error.',
  ].join('\n');
}

function columns(rows: string[][]): string[] {
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`);
}
