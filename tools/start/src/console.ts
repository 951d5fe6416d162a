/** The launcher's terminal: child lines prefixed with the service name, its own lines marked. */
export interface Console {
  /** A line of a service's output, passed through with its name in front. */
  service(name: string, line: string): void;
  info(text: string): void;
  error(text: string): void;
  /** Text printed as is (the welcome block: easy to copy). */
  raw(text: string): void;
}

const COLORS = [36, 35, 33, 32, 34, 31]; // cyan, magenta, yellow, green, blue, red

export function prefixer(names: readonly string[], color: boolean): (name: string) => string {
  const width = Math.max(5, ...names.map((n) => n.length));
  return (name) => {
    const label = name.padEnd(width) + ' |';
    if (!color) return label;
    const i = names.indexOf(name);
    const code = i >= 0 ? COLORS[i % COLORS.length] : 2;
    return `\u001b[${code}m${label}\u001b[0m`;
  };
}

export function createConsole(
  names: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  color: boolean = (process.stdout.isTTY ?? false) && !process.env['NO_COLOR'],
): Console {
  const prefix = prefixer([...names, 'start'], color);
  const write = (stream: NodeJS.WritableStream, text: string) => {
    try {
      stream.write(text);
    } catch {
      // A closed terminal or pipe must not take the services down.
    }
  };
  const lines = (label: string, text: string) =>
    text
      .split('\n')
      .map((l) => `${label} ${l}\n`)
      .join('');
  return {
    // Both streams of a service go to stdout, in the order they were read.
    service: (name, line) => write(out, `${prefix(name)} ${line}\n`),
    info: (text) => write(out, lines(prefix('start'), text)),
    error: (text) => write(err, lines(prefix('start'), text)),
    raw: (text) => write(out, text.endsWith('\n') ? text : text + '\n'),
  };
}
