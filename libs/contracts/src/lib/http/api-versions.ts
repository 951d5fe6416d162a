/**
 * The API versions Gatehouse answers to (`x-monite-version`), newest first: the
 * reference's APIVersion enum. One list, used by every route.
 */
export const API_VERSIONS = [
  '2025-06-23',
  '2024-05-25',
  '2024-01-31',
  '2023-09-01',
  '2023-06-04',
  '2023-04-12',
  '2023-03-14',
  '2023-03-01',
  '2023-02-07',
  '2022-11-16',
] as const;

export type ApiVersion = (typeof API_VERSIONS)[number];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type VersionResolution =
  | { ok: true; version: ApiVersion }
  | { ok: false; reason: 'malformed' | 'too_old' };

/**
 * A date (YYYY-MM-DD) resolves to the newest supported version not after it.
 * Not a real calendar date → malformed; before the oldest version → too_old.
 */
export function resolveApiVersion(value: string): VersionResolution {
  const m = DATE.exec(value);
  if (!m) return { ok: false, reason: 'malformed' };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return { ok: false, reason: 'malformed' };
  }
  // ISO dates compare correctly as strings.
  const version = API_VERSIONS.find((v) => v <= value);
  return version ? { ok: true, version } : { ok: false, reason: 'too_old' };
}
