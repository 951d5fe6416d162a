import type { Logger } from 'pino';

/**
 * A background call to another service (a JWKS refresh, a revocation-list reload)
 * that may fail many times in a row: the first failure of an episode is logged at
 * warn, the others not (no flood while auth or NATS is away), and the first success
 * after it ends the episode at info. Only the error's message is logged: never a
 * token, a key id taken from a request, or a payload.
 */
export class FailureEpisode {
  private failing = false;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly what: string,
  ) {}

  failed(err: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn({ reason: reasonOf(err) }, `${this.what} failed; retried, logged again only after it succeeds`);
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info(`${this.what} succeeded again`);
  }
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 200);
}
