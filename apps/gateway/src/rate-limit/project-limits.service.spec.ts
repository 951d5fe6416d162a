import { ProjectLimitsService } from './project-limits.service';
import type { GatewayConfig } from '../config';
import type { NatsService } from '@gatehouse/platform';

/** A broker stand-in for the cache's own logic: settings answered once, then never (auth or NATS away). */
function brokerAnsweringOnce(limit: number) {
  let reconnect: () => void = () => undefined;
  let answered = false;
  const requests: string[] = [];
  const nats = {
    subscribe: () => undefined,
    onReconnect: (l: () => void) => (reconnect = l),
    request: (_subject: string, data: { project_id: string }) => {
      requests.push(data.project_id);
      if (answered) return new Promise(() => undefined);
      answered = true;
      return Promise.resolve({ access_token_ttl: 60, default_role: null, api_rate_limit: limit });
    },
  } as unknown as NatsService;
  return { nats, requests, reconnect: () => reconnect() };
}

describe('ProjectLimitsService', () => {
  const config = { GATEWAY_RATE_LIMIT_DEFAULT: 30 } as GatewayConfig;

  afterEach(() => jest.useRealTimers());

  it('answers a limit past its time at once while it is read again (an outage adds no wait)', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const broker = brokerAnsweringOnce(50);
    const limits = new ProjectLimitsService(broker.nats, config);
    limits.onModuleInit();
    expect(limits.get('p')).toBeUndefined();
    expect(await limits.load('p')).toBe(50);
    jest.setSystemTime(1_000_000 + 60_000);
    expect(limits.get('p')).toBe(50);
    expect(broker.requests).toEqual(['p', 'p']);
  });

  it('keeps serving the limits it had across a reconnect, reading them again', async () => {
    const broker = brokerAnsweringOnce(70);
    const limits = new ProjectLimitsService(broker.nats, config);
    limits.onModuleInit();
    await limits.load('p');
    broker.reconnect();
    expect(limits.get('p')).toBe(70);
    expect(broker.requests).toEqual(['p', 'p']);
  });
});
