import { ConfigMismatchError } from '@gatehouse/platform';

/** A postgres URL as a message may show it: the database and its server, never the user or password. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const name = decodeURIComponent(u.pathname.slice(1)) || '(none)';
    return `database ${name} (${u.hostname || 'local socket'}:${u.port || 5432})`;
  } catch {
    return 'the database of AUTH_DATABASE_URL';
  }
}

/** One line: the cause (which database, which variable) and the way out. */
export function kekMismatchMessage(databaseUrl: string): string {
  return (
    `the signing keys in ${describeDatabase(databaseUrl)} were sealed under another AUTH_KEY_ENCRYPTION_KEY: ` +
    'set the key they were sealed under, or on a development machine start over with `npm start -- --reset`'
  );
}

/** The configured key-encryption key does not open the signing keys in the database. */
export class KekMismatchError extends ConfigMismatchError {
  constructor(databaseUrl: string) {
    super(kekMismatchMessage(databaseUrl));
    this.name = 'KekMismatchError';
  }
}
