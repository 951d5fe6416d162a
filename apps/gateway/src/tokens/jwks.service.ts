import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { AuthEvents, AuthSubjects, JwksResponse } from '@gatehouse/contracts';
import { LOGGER, NatsService } from '@gatehouse/platform';
import { FailureEpisode } from './failure-episode';

const UNKNOWN_KID_REFRESH_INTERVAL_MS = 1_000;

/**
 * The auth service's public keys, held as KeyObjects for local verification.
 * Loaded before the gateway serves, reloaded on `keys.rotated`, on reconnect, and
 * (at most once a second) when a token names a key id we do not know.
 */
@Injectable()
export class JwksService implements OnModuleInit {
  private keys = new Map<string, KeyObject>();
  private document: JwksResponse = { keys: [] };
  private lastRefresh = 0;
  private inflight: Promise<void> | null = null;
  loaded = false;
  private readonly failures: FailureEpisode;

  constructor(
    private readonly nats: NatsService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.failures = new FailureEpisode(logger, 'JWKS refresh (auth.v1.jwks.get)');
  }

  onModuleInit(): void {
    // A failed refresh keeps the keys we have; the next rotation, reconnect or unknown kid tries again.
    this.nats.subscribe(AuthEvents.keysRotated, () => this.refresh().catch(() => undefined));
    this.nats.onReconnect(() => void this.refresh().catch(() => undefined));
  }

  get(kid: string): KeyObject | undefined {
    return this.keys.get(kid);
  }

  jwks(): JwksResponse {
    return this.document;
  }

  /** Refreshes on an unknown kid, rate-limited so forged kids cannot flood auth. */
  async resolve(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (Date.now() - this.lastRefresh < UNKNOWN_KID_REFRESH_INTERVAL_MS) return undefined;
    await this.refresh().catch(() => undefined);
    return this.keys.get(kid);
  }

  /** Reloads the keys; a failure is logged (once per episode, see FailureEpisode) and rethrown. */
  refresh(): Promise<void> {
    this.inflight ??= this.load()
      .then(
        () => this.failures.succeeded(),
        (err: unknown) => {
          this.failures.failed(err);
          throw err;
        },
      )
      .finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async load(): Promise<void> {
    this.lastRefresh = Date.now();
    const doc = await this.nats.request<JwksResponse>(AuthSubjects.jwksGet, {});
    const keys = new Map<string, KeyObject>();
    for (const jwk of doc.keys) {
      if (jwk.alg !== 'ES256' || jwk.kty !== 'EC') continue;
      keys.set(jwk.kid, createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' }));
    }
    this.keys = keys;
    this.document = doc;
    this.loaded = true;
  }
}
