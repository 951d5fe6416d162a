import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { GatewayBuckets, isUuid } from '@gatehouse/contracts';
import { SliceSource } from './rate-budget';
import { isKvConflict } from '@gatehouse/platform';
import { SharedKvService } from './shared-kv.service';

const CAS_ATTEMPTS = 16;

/**
 * The shared counter of every project's seconds: the JetStream KV bucket
 * GATEWAY_RATE_LIMIT, one key per project and second holding how much of that
 * second the instances have taken. A slice is a compare-and-set on the key's
 * revision (create for the first slice of a second), so two instances never
 * take the same part; the revision last written is kept, so an uncontended
 * slice is one round trip.
 */
@Injectable()
export class KvSliceSource implements SliceSource {
  /** Per project: the key of the second last written, its count and revision. */
  private readonly last = new Map<string, { key: string; used: number; revision: number }>();

  constructor(private readonly kv: SharedKvService) {}

  get available(): boolean {
    return this.kv.available;
  }

  async take(projectId: string, second: number, want: number, limit: number): Promise<{ granted: number; used: number }> {
    const kv = await this.kv.bucket(GatewayBuckets.rateLimit);
    const key = `${isUuid(projectId) ? projectId : createHash('sha256').update(projectId).digest('hex')}.${second}`;
    const last = this.last.get(projectId);
    let known: { used: number; revision: number } | undefined = last && last.key === key ? last : undefined;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const used = known?.used ?? 0;
      const granted = Math.min(want, limit - used);
      if (granted <= 0) return { granted: 0, used };
      try {
        const revision = known ? await kv.update(key, String(used + granted), known.revision) : await kv.create(key, String(granted));
        if (this.last.size >= 10_000) this.last.clear();
        this.last.set(projectId, { key, used: used + granted, revision });
        return { granted, used: used + granted };
      } catch (err) {
        if (!isKvConflict(err)) throw err;
        // Another instance took a slice meanwhile: read where the count stands.
        const entry = await kv.get(key);
        known = entry && entry.operation === 'PUT' ? { used: Number(entry.string()) || 0, revision: entry.revision } : undefined;
      }
    }
    throw new Error('rate limit: too many concurrent updates');
  }
}
