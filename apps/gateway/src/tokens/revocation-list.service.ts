import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AuthEvents, AuthSubjects, RevocationsListResponse, RevokedToken } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';

const PURGE_EVERY_MS = 60_000;

/**
 * Revoked token ids (jti → exp), in memory: fed by auth's `token.revoked`
 * broadcast, reloaded whole from auth at start and after every reconnect (a
 * broadcast may have been missed while disconnected). Until a reload completes
 * the list is not `current`, and authenticated requests are refused with 503:
 * a stale list must never let a revoked token through.
 */
@Injectable()
export class RevocationListService implements OnModuleInit, OnModuleDestroy {
  private revoked = new Map<string, number>();
  private current = false;
  private timer?: NodeJS.Timeout;
  private reloading: Promise<void> | null = null;

  constructor(private readonly nats: NatsService) {}

  onModuleInit(): void {
    this.nats.subscribe<RevokedToken>(AuthEvents.tokenRevoked, (t) => this.add(t));
    this.nats.onDisconnect(() => (this.current = false));
    this.nats.onReconnect(() => void this.reloadUntilDone());
    this.timer = setInterval(() => this.purge(), PURGE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  isCurrent(): boolean {
    return this.current;
  }

  isRevoked(jti: string): boolean {
    return this.revoked.has(jti);
  }

  add(token: RevokedToken): void {
    if (typeof token?.jti === 'string' && typeof token.exp === 'number') this.revoked.set(token.jti, token.exp);
  }

  /** Loads the whole list; the subscription is live first, so nothing falls between the two. */
  async reload(): Promise<void> {
    const { tokens } = await this.nats.request<RevocationsListResponse>(AuthSubjects.revocationsList, {});
    for (const t of tokens) this.add(t);
    this.current = true;
  }

  reloadUntilDone(): Promise<void> {
    this.reloading ??= (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.reload();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
        }
      }
    })().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private purge(now = Math.floor(Date.now() / 1000)): void {
    for (const [jti, exp] of this.revoked) if (exp < now - 60) this.revoked.delete(jti);
  }
}
