/**
 * Every PostgreSQL advisory lock id Gatehouse takes, in one table, so no two
 * jobs ever share one by accident. Advisory locks are per database, so the
 * ids only need to be unique per service; they are kept unique overall anyway
 * (73xx auth, 74xx identity, 75xx audit).
 */
export const AdvisoryLocks = {
  /** auth: one instance runs migrations at a time (session lock, held for the run). */
  authMigrations: 7300,
  /** auth: creating or rotating the signing key (transaction lock): one new key per rotation. */
  authSigningKeys: 7301,
  /** identity: one instance runs migrations at a time. */
  identityMigrations: 7400,
  /** identity: elects the one outbox relay (session lock on the relay's own connection). */
  identityOutboxRelay: 7401,
  /** audit: one instance runs migrations at a time. */
  auditMigrations: 7500,
} as const;

export type AdvisoryLockId = (typeof AdvisoryLocks)[keyof typeof AdvisoryLocks];
