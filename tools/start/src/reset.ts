import { auditStream, identityEventsStream } from '@gatehouse/contracts';
import type { BaseConfig } from '@gatehouse/platform';
import type { Console } from './console';
import { CONFIRMATION } from './confirm';
import { Dependencies } from './preflight';
import { databaseUrl, ServiceSpec } from '@gatehouse/supervisor';

/**
 * `npm start -- --reset`: start over on a development machine. What goes: the
 * databases the services would use, identity's event stream on NATS (its outbox
 * ids start again from 1, and JetStream would drop them as duplicates), the audit
 * trail's stream (with its consumer: its entries belong to the dropped data), and the
 * data dir (key-encryption key, TLS certificate, logs). Nothing resets by itself:
 * only this command drops anything, after checks and a confirmation.
 */
export interface ResetPlan {
  databases: Array<{ urlVar: string; url: string; name: string; server: string }>;
  nats: { url: string; server: string; streams: string[] };
  /** Absolute. */
  dataDir: string;
}

/** What the launcher itself puts in the data dir: anything else there is not ours to delete. */
export const DATA_DIR_ENTRIES: readonly string[] = ['secrets', 'tls', 'logs'];

export function planReset(services: readonly ServiceSpec[], env: NodeJS.ProcessEnv, config: BaseConfig, dataDir: string): ResetPlan {
  const databases = services.flatMap((s) => {
    const url = databaseUrl(s, env);
    if (!url || !s.database) return [];
    const u = new URL(url);
    return [{ urlVar: s.database.urlVar, url, name: decodeURIComponent(u.pathname.slice(1)), server: serverOf(u, 5432) }];
  });
  const nats = new URL(config.NATS_URL);
  return {
    databases,
    nats: { url: config.NATS_URL, server: serverOf(nats, 4222), streams: [identityEventsStream(config.NATS_SUBJECT_PREFIX), auditStream(config.NATS_SUBJECT_PREFIX)] },
    dataDir,
  };
}

function serverOf(u: URL, defaultPort: number): string {
  return `${u.hostname}:${u.port || defaultPort}`;
}

/** Loopback (or a local socket): this machine. */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === '' ||
    h.startsWith('/') ||
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    h === '0.0.0.0' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

/** The targets of the plan on another machine, e.g. `AUTH_DATABASE_URL (db.example.com:5432)`. */
export function remoteTargets(plan: ResetPlan): string[] {
  const host = (server: string) => server.slice(0, server.lastIndexOf(':'));
  return [
    ...plan.databases.filter((d) => !isLocalHost(host(d.server))).map((d) => `${d.urlVar} (${d.server})`),
    ...(isLocalHost(host(plan.nats.server)) ? [] : [`NATS_URL (${plan.nats.server})`]),
  ];
}

/** The data dir's entries that the launcher did not make. */
export function foreignEntries(entries: readonly string[]): string[] {
  return entries.filter((e) => !DATA_DIR_ENTRIES.includes(e));
}

export function describePlan(plan: ResetPlan): string {
  return [
    '--reset drops, to start over:',
    ...plan.databases.map((d) => `  database ${d.name} on ${d.server} (${d.urlVar})`),
    `  streams ${plan.nats.streams.join(', ')} on NATS ${plan.nats.server} (identity's change events, the audit trail)`,
    `  ${plan.dataDir} (the key-encryption key, the TLS certificate, the logs)`,
    'and with them every project, client credential, signing key, entity, user and role.',
  ].join('\n');
}

export const CONFIRM_QUESTION = `Type "${CONFIRMATION}" to drop them and start over: `;

/** The effects, replaceable in tests. */
export interface ResetActions {
  /** Explanations of unreachable dependencies (empty: all reachable). */
  checkDependencies(deps: Dependencies): Promise<string[]>;
  /** Sessions connected to the database of `url` now (0 when it does not exist). */
  connectionsTo(url: string): Promise<number>;
  /** The names in the data dir ([] when it does not exist). */
  listDataDir(dir: string): string[];
  /** Whether a terminal can answer; undefined: none. */
  confirm?: (question: string) => Promise<boolean>;
  dropDatabase(url: string): Promise<void>;
  /** Resolves false when there was no such stream. */
  deleteStream(name: string): Promise<boolean>;
  removeDataDir(dir: string): void;
  sleep(ms: number): Promise<void>;
}

export interface ResetOptions {
  yes: boolean;
  allowRemote: boolean;
  natsAuth: { user?: string; password?: string };
}

/** A stopped service's sessions take a moment to leave pg_stat_activity. */
const IN_USE_RETRIES = 15;
const IN_USE_RETRY_MS = 200;

/**
 * Checks, asks, drops. Resolves true when everything was dropped (then start
 * afresh), false when it refused or was not confirmed (then nothing was dropped).
 */
export async function resetInstallation(plan: ResetPlan, opts: ResetOptions, actions: ResetActions, out: Console): Promise<boolean> {
  const remote = remoteTargets(plan);
  if (remote.length && !opts.allowRemote) {
    out.error(
      `--reset refused: ${remote.join(', ')} ${remote.length > 1 ? 'are' : 'is'} not on this machine. ` +
        'Production never resets; to wipe a development server anyway, add --allow-remote.',
    );
    return false;
  }

  const foreign = foreignEntries(actions.listDataDir(plan.dataDir));
  if (foreign.length) {
    out.error(
      `--reset refused: ${plan.dataDir} holds what Gatehouse did not put there (${foreign.join(', ')}). ` +
        'Check GATEHOUSE_DATA_DIR, or move those away.',
    );
    return false;
  }

  const problems = await actions.checkDependencies({
    nats: { url: plan.nats.url, ...opts.natsAuth },
    databases: plan.databases.map((d) => ({ urlVar: d.urlVar, url: d.url })),
  });
  if (problems.length) {
    out.error(problems.join('\n'));
    return false;
  }

  for (const db of plan.databases) {
    let sessions = await actions.connectionsTo(db.url);
    for (let i = 0; sessions > 0 && i < IN_USE_RETRIES; i++) {
      await actions.sleep(IN_USE_RETRY_MS);
      sessions = await actions.connectionsTo(db.url);
    }
    if (sessions > 0) {
      out.error(
        `--reset refused: database ${db.name} on ${db.server} is in use (${sessions} session${sessions > 1 ? 's' : ''}). ` +
          'Stop what uses it first (Gatehouse running? another `npm start`?).',
      );
      return false;
    }
  }

  out.info(describePlan(plan));
  if (!opts.yes) {
    if (!actions.confirm) {
      out.error('--reset needs a confirmation and there is no terminal to ask: run it in one, or add --yes. Nothing was dropped.');
      return false;
    }
    if (!(await actions.confirm(CONFIRM_QUESTION))) {
      out.info('Not confirmed: nothing was dropped.');
      return false;
    }
  }

  for (const db of plan.databases) {
    await actions.dropDatabase(db.url);
    out.info(`dropped database ${db.name}`);
  }
  for (const stream of plan.nats.streams) {
    const existed = await actions.deleteStream(stream);
    out.info(existed ? `deleted stream ${stream}` : `no stream ${stream} to delete`);
  }
  actions.removeDataDir(plan.dataDir);
  out.info(`removed ${plan.dataDir}; starting afresh`);
  return true;
}
