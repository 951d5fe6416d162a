import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { ProcessContextManager } from './context-manager';

const key = createContextKey('test');
const ctx = ROOT_CONTEXT.setValue(key, 'inner');

describe('ProcessContextManager', () => {
  it('without an async context: active for the duration of `with` only, nested, restored after a throw', async () => {
    const m = new ProcessContextManager(() => false);
    expect(m.active()).toBe(ROOT_CONTEXT);
    const seen = m.with(ctx, () => {
      const outer = m.active().getValue(key);
      const nested = m.with(ROOT_CONTEXT, () => m.active().getValue(key));
      return [outer, nested, m.active().getValue(key)];
    });
    expect(seen).toEqual(['inner', undefined, 'inner']);
    expect(() => m.with(ctx, () => { throw new Error('boom'); })).toThrow('boom');
    expect(m.active()).toBe(ROOT_CONTEXT);
    // Not carried across an await: the context travels explicitly in these processes.
    const after = await m.with(ctx, async () => {
      await Promise.resolve();
      return m.active().getValue(key);
    });
    expect(after).toBeUndefined();
    const bound = m.bind(ctx, () => m.active().getValue(key));
    expect(bound()).toBe('inner');
  });

  it('asked for an async context: carried across an await', async () => {
    let wants = false;
    const m = new ProcessContextManager(() => wants);
    wants = true;
    const after = await m.with(ctx, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return m.active().getValue(key);
    });
    expect(after).toBe('inner');
    m.disable();
  });
});
