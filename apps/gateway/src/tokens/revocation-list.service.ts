import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  AccessTokenClaims,
  AuthEvents,
  AuthSubjects,
  CredentialsRevokedEvent,
  ProjectTokensRevokedEvent,
  RevocationsListResponse,
  RevokedToken,
} from '@gatehouse/contracts';
import { LOGGER, NatsService } from '@gatehouse/platform';
import { FailureEpisode } from './failure-episode';
import { recordRevocationApplied } from './revocation.metrics';

const PURGE_EVERY_MS = 60_000;

/**
 * Everything that ends a token before it expires, in memory:
 * - revoked tokens (jti → exp), from `POST /v1/auth/revoke`;
 * - revoked credential pairs (client id → until): every token minted with the pair;
 * - project cutoffs (project id → not_before): every token of the project issued before it.
 * Fed by auth's broadcasts, reloaded whole from auth at start and after every
 * reconnect (a broadcast may have been missed while disconnected). Until a reload
 * completes the list is not `current`, and authenticated requests are refused with
 * 503: a stale list must never let a revoked token through.
 */
@Injectable()
export class RevocationListService implements OnModuleInit, OnModuleDestroy {
  private readonly tokens = new Map<string, number>();
  /** client id → seconds since the epoch after which the entry can be forgotten. */
  private readonly clients = new Map<string, number>();
  /** project id → { not_before, until } in seconds since the epoch. */
  private readonly projects = new Map<string, { notBefore: number; until: number }>();
  private current = false;
  private timer?: NodeJS.Timeout;
  private reloading: Promise<void> | null = null;
  private readonly failures: FailureEpisode;

  constructor(
    private readonly nats: NatsService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.failures = new FailureEpisode(logger, 'revocation list reload (auth.v1.revocations.list)');
  }

  onModuleInit(): void {
    this.nats.subscribe<RevokedToken>(AuthEvents.tokenRevoked, (t) => {
      this.add(t);
      recordRevocationApplied('token', t?.revoked_at_ms);
    });
    this.nats.subscribe<CredentialsRevokedEvent>(AuthEvents.credentialsRevoked, (c) => {
      this.addClient(c);
      recordRevocationApplied('credentials', c?.revoked_at_ms);
    });
    this.nats.subscribe<ProjectTokensRevokedEvent>(AuthEvents.projectTokensRevoked, (p) => {
      this.addProjectCutoff(p);
      recordRevocationApplied('project', p?.revoked_at_ms);
    });
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

  /** Whether the token was revoked, by its jti, its credential pair or its project's cutoff. */
  isRevoked(claims: Pick<AccessTokenClaims, 'jti' | 'client_id' | 'project_id' | 'iat'>): boolean {
    if (this.tokens.has(claims.jti) || this.clients.has(claims.client_id)) return true;
    const cutoff = this.projects.get(claims.project_id);
    return cutoff !== undefined && claims.iat < cutoff.notBefore;
  }

  add(token: RevokedToken): void {
    if (typeof token?.jti === 'string' && typeof token.exp === 'number') this.tokens.set(token.jti, token.exp);
  }

  addClient(c: CredentialsRevokedEvent): void {
    if (typeof c?.client_id === 'string' && typeof c.until === 'number') this.clients.set(c.client_id, c.until);
  }

  addProjectCutoff(p: ProjectTokensRevokedEvent): void {
    if (typeof p?.project_id !== 'string' || typeof p.not_before !== 'number' || typeof p.until !== 'number') return;
    const known = this.projects.get(p.project_id);
    // Cutoffs only move forward: a late or repeated broadcast never lifts a later one.
    if (!known || known.notBefore < p.not_before) this.projects.set(p.project_id, { notBefore: p.not_before, until: p.until });
  }

  /** Loads the whole list; the subscriptions are live first, so nothing falls between the two. */
  async reload(): Promise<void> {
    const list = await this.nats.request<RevocationsListResponse>(AuthSubjects.revocationsList, {});
    for (const t of list.tokens) this.add(t);
    for (const c of list.clients ?? []) this.addClient(c);
    for (const p of list.projects ?? []) this.addProjectCutoff(p);
    this.current = true;
  }

  reloadUntilDone(): Promise<void> {
    this.reloading ??= (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.reload();
          this.failures.succeeded();
          return;
        } catch (err) {
          this.failures.failed(err);
          await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
        }
      }
    })().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private purge(now = Math.floor(Date.now() / 1000)): void {
    for (const [jti, exp] of this.tokens) if (exp < now - 60) this.tokens.delete(jti);
    for (const [client, until] of this.clients) if (until < now) this.clients.delete(client);
    for (const [project, cutoff] of this.projects) if (cutoff.until < now) this.projects.delete(project);
  }
}
