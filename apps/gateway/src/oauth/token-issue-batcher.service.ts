import { Inject, Injectable } from '@nestjs/common';
import {
  AuthSubjects,
  TOKEN_ISSUE_BATCH_MAX,
  isBatchableTokenIssue,
  TokenIssueBatchItem,
  TokenIssueBatchRequest,
  TokenIssueBatchResponse,
  TokenIssueRequest,
  TokenIssueResponse,
} from '@gatehouse/contracts';
import { NatsService, RemoteError, tracingState } from '@gatehouse/platform';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

interface Waiting {
  item: TokenIssueBatchItem;
  resolve: (response: TokenIssueResponse) => void;
  reject: (err: unknown) => void;
}

/**
 * The token requests this gateway receives in one event-loop turn go to auth in one
 * message (auth.v1.token.issue_batch) instead of one each: under load the per-message
 * work — the packet and its headers here, the broker's routing, auth's parse and Nest's
 * pipeline, the reply — is paid once per batch. Each request keeps its own request id
 * and gets exactly the answer auth.v1.token.issue would give it (a refusal of one is
 * that one's alone). A turn with one request sends it on auth.v1.token.issue, as does
 * every request when GATEWAY_TOKEN_BATCHING=false or while tracing is on (each mint keeps its own span) and every request
 * auth's contract would refuse (a NUL in a secret, one too long…: in a batch it would
 * refuse the whole batch; alone it gets its own `invalid_request`, as before).
 *
 * Nothing waits for more requests: the batch leaves at the end of the turn that
 * received them (setImmediate, where the NATS connection's coalesced writes go out too).
 */
@Injectable()
export class TokenIssueBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;

  private readonly enabled: boolean;

  constructor(
    private readonly nats: NatsService,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.enabled = config.GATEWAY_TOKEN_BATCHING;
  }

  /** Mints for `request` (its request id: `requestId`); rejects with auth's RemoteError as auth.v1.token.issue would. */
  issue(request: TokenIssueRequest, requestId: string): Promise<TokenIssueResponse> {
    const item: TokenIssueBatchItem = { request, request_id: requestId };
    if (!this.enabled || tracingState.enabled || !isBatchableTokenIssue(item)) {
      return this.nats.request<TokenIssueResponse>(AuthSubjects.tokenIssue, request, { requestId });
    }
    return new Promise<TokenIssueResponse>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.send());
    });
  }

  private send(): void {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    for (let i = 0; i < all.length; i += TOKEN_ISSUE_BATCH_MAX) void this.sendBatch(all.slice(i, i + TOKEN_ISSUE_BATCH_MAX));
  }

  private async sendBatch(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch;
      await this.nats.request<TokenIssueResponse>(AuthSubjects.tokenIssue, only.item.request, { requestId: only.item.request_id }).then(only.resolve, only.reject);
      return;
    }
    let results: TokenIssueBatchResponse['results'];
    try {
      ({ results } = await this.nats.request<TokenIssueBatchResponse>(AuthSubjects.tokenIssueBatch, { items: batch.map((w) => w.item) } satisfies TokenIssueBatchRequest));
    } catch (err) {
      // Auth unavailable, or the batch refused as a whole: every request of it gets that answer.
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const result = results[i];
      if (result && 'response' in result) w.resolve(result.response);
      else w.reject(RemoteError.from(result?.err));
    });
  }
}
