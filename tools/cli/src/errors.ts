/** The command line is wrong: exit code 2, with a pointer to --help. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The help topic to point at, e.g. `project create`. */
    readonly topic?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran and failed: exit code 1. `code` is the auth service's error code or a CLI one. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const ExitCodes = { ok: 0, failure: 1, usage: 2 } as const;
