import { Counter, Histogram, Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics';

/** The same observations through prom-client's own families and ours must give the same exposition text. */
describe('hot metrics', () => {
  const bounds = [0.001, 0.01, 0.1, 1];
  const observations: Array<[string, number]> = [
    ['/a', 0.0005],
    ['/a', 0.001], // on a bound: counted in it (le)
    ['/a', 0.05],
    ['/b', 3],
    ['/a', 0.2],
  ];

  async function exposition(kind: 'prom-client' | 'hot'): Promise<string> {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'svc' });
    if (kind === 'prom-client') {
      const c = new Counter({ name: 'x_total', help: 'Requests.', labelNames: ['route'], registers: [registry] });
      const h = new Histogram({ name: 'x_seconds', help: 'Time.', labelNames: ['route'], buckets: bounds, registers: [registry] });
      for (const [route, v] of observations) {
        c.inc({ route });
        h.observe({ route }, v);
      }
    } else {
      const c = new HotCounter('x_total', 'Requests.', ['route'], registry);
      const h = new HotHistogram('x_seconds', 'Time.', ['route'], bounds, registry);
      for (const [route, v] of observations) {
        c.labels({ route }).inc();
        h.labels({ route }).observe(v);
      }
    }
    return registry.metrics();
  }

  it('writes what prom-client writes for the same observations', async () => {
    const ours = await exposition('hot');
    expect(ours).toBe(await exposition('prom-client'));
    expect(ours).toContain('x_seconds_bucket{le="0.001",service="svc",route="/a"} 2');
    expect(ours).toContain('x_seconds_bucket{le="+Inf",service="svc",route="/b"} 1');
    expect(ours).toContain('x_total{route="/a",service="svc"} 4');
  });

  it('keeps one child per label values, and refuses bounds that do not increase', () => {
    const registry = new Registry();
    const c = new HotCounter('y_total', 'Y.', ['a', 'b'], registry);
    expect(c.labels({ a: '1', b: '2' })).toBe(c.labels({ b: '2', a: '1' }));
    expect(c.labels({ a: '1', b: '2' })).not.toBe(c.labels({ a: '12', b: '' }));
    expect(() => new HotHistogram('z_seconds', 'Z.', [], [0.1, 0.1], registry)).toThrow(/increase/);
  });
});
