import { addressOf, checkNats, checkPostgres, DependencyUnreachableError } from '@gatehouse/supervisor';

/** The URL without its password, fit for a message. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

export function postgresHowTo(err: DependencyUnreachableError, urlVar: string, url: string): string {
  return [
    `PostgreSQL is not reachable at ${err.address} (${err.reason}).`,
    `  Start it, for example:`,
    `    docker run -d --name gatehouse-postgres -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15`,
    `  or start a local server (sudo systemctl start postgresql, brew services start postgresql@15),`,
    `  or point ${urlVar} at one (now: ${redactUrl(url)}).`,
  ].join('\n');
}

export function natsHowTo(err: DependencyUnreachableError, url: string): string {
  return [
    `NATS is not reachable at ${err.address} (${err.reason}).`,
    `  Start it, for example:`,
    `    docker run -d --name gatehouse-nats -p 4222:4222 nats:2.10 -js`,
    `  or run a local server (nats-server -js),`,
    `  or point NATS_URL at one (now: ${redactUrl(url)}).`,
  ].join('\n');
}

export interface Dependencies {
  nats: { url: string; user?: string; password?: string };
  /** One entry per PostgreSQL server the services use. */
  databases: Array<{ urlVar: string; url: string }>;
}

/** Checks every dependency at once; resolves with one explanation per unreachable one (empty: all fine). */
export async function checkDependencies(deps: Dependencies): Promise<string[]> {
  const seen = new Set<string>();
  const databases = deps.databases.filter((d) => {
    const server = addressOf(d.url, 5432);
    if (seen.has(server)) return false;
    seen.add(server);
    return true;
  });
  const results = await Promise.all([
    ...databases.map((d) =>
      checkPostgres(d.url).then(
        () => undefined,
        (err: unknown) => explain(err, (e) => postgresHowTo(e, d.urlVar, d.url)),
      ),
    ),
    checkNats(deps.nats.url, { user: deps.nats.user, password: deps.nats.password }).then(
      () => undefined,
      (err: unknown) => explain(err, (e) => natsHowTo(e, deps.nats.url)),
    ),
  ]);
  return results.filter((r): r is string => r !== undefined);
}

function explain(err: unknown, howTo: (e: DependencyUnreachableError) => string): string {
  if (err instanceof DependencyUnreachableError) return howTo(err);
  return (err as Error)?.message ?? String(err);
}
