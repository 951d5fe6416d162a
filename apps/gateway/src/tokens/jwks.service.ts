import { Injectable, OnModuleInit } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';
import { AuthEvents, AuthSubjects, JwksResponse } from '@gatehouse/contracts';
import { NatsService } from '@gatehouse/platform';

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

  constructor(private readonly nats: NatsService) {}

  onModuleInit(): void {
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

  refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => (this.inflight = null));
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
