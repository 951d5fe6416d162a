/** What a command needs from the auth service. Faked in unit tests. */
export interface AuthClient {
  request<Res>(subject: string, data: unknown): Promise<Res>;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in usage, e.g. `<project-id>`. */
  placeholder?: string;
  required?: boolean;
  /** Checked before anything is sent; a malformed value is a usage error. Every id on the wire is a UUID. */
  format?: 'uuid';
}

export type OptionValues = Record<string, string | boolean | undefined>;

/** What a command printed: `json` with --json, `text` otherwise. */
export interface CommandResult {
  json: object;
  text: string;
}

export interface Command {
  /** The two words that name it, e.g. ['project', 'create']. */
  readonly words: readonly [string, string];
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  run(client: AuthClient, values: OptionValues): Promise<CommandResult>;
}

/** A required string option (parseArgs and the required check have run). */
export function str(values: OptionValues, name: string): string {
  return String(values[name] ?? '');
}
