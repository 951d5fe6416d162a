import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { installLeanAsyncResourceBind } from './lean-async-bind';

describe('installLeanAsyncResourceBind', () => {
  const original = AsyncResource.prototype.bind;
  beforeAll(() => installLeanAsyncResourceBind());
  afterAll(() => (AsyncResource.prototype.bind = original));

  it('runs the bound function in the async context it was bound in', async () => {
    const als = new AsyncLocalStorage<string>();
    const bound = als.run('bound here', () => AsyncResource.bind(() => als.getStore()));
    const seen = await als.run('called here', () => new Promise((r) => setImmediate(() => r(bound()))));
    expect(seen).toBe('bound here');
  });

  it('passes arguments and the return value through, keeps `length`, and forwards `this` unless one is given', () => {
    const resource = new AsyncResource('test');
    function add(this: { base: number } | undefined, a: number, b: number) {
      return (this?.base ?? 0) + a + b;
    }
    const free = resource.bind(add);
    expect(free.length).toBe(2);
    expect(free.call({ base: 10 }, 1, 2)).toBe(13);
    const bindWithThis = resource.bind as unknown as (fn: typeof add, thisArg: unknown) => typeof add; // Node accepts thisArg; its types do not list it
    expect(bindWithThis.call(resource, add, { base: 100 }).call({ base: 10 }, 1, 2)).toBe(103);
  });

  it('no longer builds the deprecated asyncResource accessor', () => {
    expect(Object.getOwnPropertyDescriptor(AsyncResource.bind(() => 1), 'asyncResource')).toBeUndefined();
  });

  it('refuses a non-function, as Node does', () => {
    expect(() => new AsyncResource('test').bind(42 as never)).toThrow(TypeError);
  });
});
