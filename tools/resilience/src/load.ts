import { randomUUID } from 'node:crypto';
import { HttpClient } from '@gatehouse/testing';
import { Kind, OpKind, Sample } from './report';

/** A request that has not answered by then counts as hung (the bar). */
export const HANG_MS = 3_000;

export interface Principals {
  clientId: string;
  clientSecret: string;
  partnerToken: string;
  entityId: string;
  /** A user every read asks for. */
  userId: string;
  /** An entity user whose role allows reading entity users: its reads go through the policy service. */
  allowedToken: string;
  /** An entity user whose role allows nothing: every probe must be refused. */
  deniedToken: string;
}

export interface Answer {
  status: number;
  json: any;
}

interface Gateway {
  name: string;
  http: HttpClient;
  /** The balancer's view: it sends nothing to a gateway it holds down. */
  up: boolean;
  /**
   * When the harness killed it, from the SIGKILL to the exit it saw: a request cut
   * by a kill is what any client of a crashed server sees.
   */
  kills: KillWindow[];
}

/** A kill of a gateway: `from` the SIGKILL `until` its exit was seen (Infinity until then). */
export interface KillWindow {
  from: number;
  until: number;
}

/** Slack around a kill window for the two clocks' reads (the request's and the harness's). */
const KILL_SLACK_MS = 50;

/**
 * Whether a request in flight over [start, end] was cut by one of these kills: it
 * overlapped a window between a SIGKILL and the exit. A killed process keeps its
 * listening socket until the kernel has torn it down, so a request sent just after
 * the SIGKILL may still be accepted, then reset: as cut as one sent before it.
 */
export function cutByKill(start: number, end: number, kills: readonly KillWindow[]): boolean {
  return kills.some((k) => start <= k.until + KILL_SLACK_MS && end >= k.from - KILL_SLACK_MS);
}

export interface SendOptions {
  token?: string;
  json?: unknown;
  /** Sent as x-monite-entity-id. */
  entityId?: string;
}

/** How often the balancer asks each gateway's /health/ready, and how long it waits for the answer. */
const HEALTH_EVERY_MS = 250;
const HEALTH_TIMEOUT_MS = 500;
/** Connection errors that prove the request never reached the gateway: the balancer may send it elsewhere. */
const NEVER_REACHED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Keep-alive HTTPS pools to every gateway (the run's certificate trusted), and a
 * load balancer's view of which are up, learnt as a real one learns it: a
 * connection that fails takes the gateway out at once (a passive check; a
 * request that never reached it is sent to another one, as nginx's
 * `proxy_next_upstream error` does), and an active check of `/health/ready`
 * every 250 ms takes a gateway out when it fails and puts it back once it is
 * ready. Nobody tells it about a kill. One request, one sample: clients retry
 * nothing, and none may take longer than HANG_MS.
 */
export class Gateways {
  private readonly gateways: Gateway[];
  private next = 0;
  private readonly checker: NodeJS.Timeout;

  constructor(gateways: Array<{ name: string; url: string }>, ca: string) {
    this.gateways = gateways.map((g) => ({
      name: g.name,
      up: true,
      kills: [],
      http: new HttpClient(g.url, { ca, connections: 16 }),
    }));
    this.checker = setInterval(() => void this.checkHealth(), HEALTH_EVERY_MS);
  }

  /** The harness's note of a kill, just before the SIGKILL (for the report); the balancer itself is not told. */
  noteKill(name: string): void {
    this.gateway(name).kills.push({ from: Date.now(), until: Infinity });
  }

  /** The harness saw the killed gateway exit: the end of its kill window. */
  noteKilled(name: string): void {
    const kills = this.gateway(name).kills;
    if (kills.length) kills[kills.length - 1].until = Date.now();
  }

  isUp(name: string): boolean {
    return this.gateway(name).up;
  }

  /** Round-robin over the gateways that are up. */
  pick(except?: string): string {
    const up = this.gateways.filter((g) => g.up && g.name !== except);
    const from = up.length ? up : this.gateways;
    return from[this.next++ % from.length].name;
  }

  /**
   * Through the balancer: to a gateway it holds up; a request refused at connect
   * (it never reached the gateway) goes once to another one.
   */
  async balance(kind: Kind, method: 'GET' | 'POST', path: string, opts: SendOptions = {}): Promise<{ sample: Sample; answer?: Answer }> {
    const first = await this.send(this.pick(), kind, method, path, opts);
    if (!first.neverReached) return first;
    const second = await this.send(this.pick(first.sample.gateway), kind, method, path, opts);
    second.sample.start = first.sample.start;
    return second;
  }

  private async checkHealth(): Promise<void> {
    await Promise.all(
      this.gateways.map(async (g) => {
        try {
          const res = await g.http.get('/health/ready', { version: null, signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
          g.up = res.status === 200;
        } catch {
          g.up = false;
        }
      }),
    );
  }

  /** Straight to one gateway, as a client inside the network would. */
  async send(
    gatewayName: string,
    kind: Kind,
    method: 'GET' | 'POST',
    path: string,
    opts: SendOptions = {},
  ): Promise<{ sample: Sample; answer?: Answer; neverReached?: boolean }> {
    const g = this.gateway(gatewayName);
    const headers: Record<string, string> = opts.entityId ? { 'x-monite-entity-id': opts.entityId } : {};
    const start = Date.now();
    const sample: Sample = { kind, gateway: g.name, start, end: start, status: 0, outcome: 'answered', shapeOk: true };
    let answer: Answer | undefined;
    let neverReached = false;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), HANG_MS);
    try {
      const res = await g.http.send(method, path, { token: opts.token, json: opts.json, headers, signal: abort.signal });
      sample.status = res.status;
      sample.shapeOk = res.status < 400 || isErrorShape(res.json);
      if (res.status >= 400) sample.detail = res.text.slice(0, 200);
      answer = { status: res.status, json: res.json };
    } catch (err) {
      if (abort.signal.aborted) sample.outcome = 'hang';
      else {
        const code = (err as { code?: string }).code ?? '';
        sample.outcome = 'connection';
        sample.detail = `${code} ${(err as Error).message}`.trim();
        // Cut by the kill of this gateway while in flight: what any client of a crashed server sees.
        sample.cutByKill = cutByKill(start, Date.now(), g.kills);
        // The balancer's passive check: a gateway that fails a connection is out until its health check passes.
        g.up = false;
        neverReached = NEVER_REACHED.has(code);
      }
    } finally {
      clearTimeout(timer);
      sample.end = Date.now();
    }
    return { sample, answer, neverReached };
  }

  /** A request that must answer `status`; its JSON body. */
  async expect(status: number, what: string, gatewayName: string, method: 'GET' | 'POST', path: string, opts: SendOptions = {}): Promise<any> {
    const { sample, answer } = await this.send(gatewayName, 'read', method, path, opts);
    if (answer?.status !== status) throw new Error(`${what}: expected ${status}, got ${answer?.status ?? sample.outcome} ${sample.detail ?? ''}`);
    return answer.json;
  }

  async close(): Promise<void> {
    clearInterval(this.checker);
    await Promise.all(this.gateways.map((g) => g.http.close()));
  }

  private gateway(name: string): Gateway {
    const g = this.gateways.find((x) => x.name === name);
    if (!g) throw new Error(`no gateway ${name}`);
    return g;
  }
}

/** The operations the load cycles through, in proportion. */
const CYCLE: readonly OpKind[] = ['mint', 'read', 'policy_read', 'write_user', 'read', 'policy_read', 'mint', 'write_role'];

/**
 * A steady, bounded load over every gateway that is up (as a load balancer
 * with health checks would spread it), plus probes that must always be refused:
 * a principal with no permissions, and tokens revoked during the run. Every
 * request is recorded.
 */
export class LoadDriver {
  readonly samples: Sample[] = [];
  /** Writes that got a 2xx: they must all be there at the end. */
  readonly acked: Array<{ kind: 'write_user' | 'write_role'; id: string }> = [];
  private readonly revoked: string[] = [];
  private running = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    readonly gateways: Gateways,
    private readonly p: Principals,
  ) {}

  /** `workers` concurrent loops of CYCLE, each pausing `pauseMs` between requests; probes every `probeMs`. */
  start(workers: number, pauseMs: number, probeMs: number): void {
    this.running = true;
    for (let w = 0; w < workers; w++) this.loops.push(this.loop(w, pauseMs));
    this.loops.push(this.probeLoop(probeMs));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** From now on, this token must be refused everywhere. */
  addRevoked(token: string): void {
    this.revoked.push(token);
  }

  /** A request recorded with the load's. */
  async send(gateway: string, kind: Kind, method: 'GET' | 'POST', path: string, opts: SendOptions = {}): Promise<Answer | undefined> {
    const { sample, answer } = await this.gateways.send(gateway, kind, method, path, opts);
    this.samples.push(sample);
    return answer;
  }

  /** A request through the balancer, recorded with the load's. */
  async balanced(kind: Kind, method: 'GET' | 'POST', path: string, opts: SendOptions = {}): Promise<Answer | undefined> {
    const { sample, answer } = await this.gateways.balance(kind, method, path, opts);
    this.samples.push(sample);
    return answer;
  }

  private async loop(worker: number, pauseMs: number): Promise<void> {
    let i = worker;
    while (this.running) {
      await this.op(CYCLE[i++ % CYCLE.length]);
      await sleep(pauseMs);
    }
  }

  private async probeLoop(probeMs: number): Promise<void> {
    let i = 0;
    while (this.running) {
      const denied = { token: this.p.deniedToken };
      if (i++ % 2 === 0) await this.balanced('denied_read', 'GET', '/v1/entity_users', denied);
      else await this.balanced('denied_write', 'POST', '/v1/roles', { ...denied, json: role() });
      for (const token of this.revoked) await this.balanced('revoked', 'GET', `/v1/entity_users/${this.p.userId}`, { token, entityId: this.p.entityId });
      await sleep(probeMs);
    }
  }

  private async op(kind: OpKind): Promise<void> {
    const p = this.p;
    const partner = { token: p.partnerToken, entityId: p.entityId };
    switch (kind) {
      case 'mint':
        await this.balanced(kind, 'POST', '/v1/auth/token', {
          json: { grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret },
        });
        return;
      case 'read':
        await this.balanced(kind, 'GET', `/v1/entity_users/${p.userId}`, partner);
        return;
      case 'policy_read':
        await this.balanced(kind, 'GET', `/v1/entity_users/${p.userId}`, { token: p.allowedToken });
        return;
      case 'write_user':
      case 'write_role': {
        const json = kind === 'write_user' ? { login: `res-${randomUUID()}`, first_name: 'Resilient' } : role();
        const answer = await this.balanced(kind, 'POST', kind === 'write_user' ? '/v1/entity_users' : '/v1/roles', { ...partner, json });
        if (answer && answer.status >= 200 && answer.status < 300) this.acked.push({ kind, id: answer.json.id });
        return;
      }
    }
  }
}


/** The API's error shapes: `{error: {message}}`, or 422's `{detail: [...]}`. */
export function isErrorShape(json: any): boolean {
  if (!json || typeof json !== 'object') return false;
  if (json.error && typeof json.error === 'object' && typeof json.error.message === 'string') return true;
  return Array.isArray(json.detail);
}

/** A small role with a unique name. */
export function role(permission = 'allowed'): unknown {
  return {
    name: `res-${randomUUID()}`,
    permissions: { objects: [{ object_type: 'entity_user', actions: [{ action_name: 'read', permission }] }] },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
