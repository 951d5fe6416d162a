import { AsyncResource } from 'node:async_hooks';

/**
 * Node 20's `AsyncResource#bind` gives every bound function a deprecated
 * `asyncResource` accessor (DEP0172), built with `util.deprecate` on each call.
 * Fastify binds its body parser's callback for every request with a body, so
 * under load that bookkeeping alone took ~7% of the gateway's CPU (CPU profile
 * of bench:token). This binds the same way (same async context, same `this`),
 * without the deprecated accessor. Installed once, at start, by the HTTP servers
 * (the gateway, and the benchmarks' Fastify ceilings, so they stay ceilings).
 */
export function installLeanAsyncResourceBind(): void {
  AsyncResource.prototype.bind = function bind(this: AsyncResource, fn: (...args: any[]) => unknown, thisArg?: unknown) {
    return leanBind(this, fn, thisArg);
  } as typeof AsyncResource.prototype.bind;
}

function leanBind(resource: AsyncResource, fn: (...args: any[]) => unknown, thisArg: unknown) {
  if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
  const bound =
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : (...args: unknown[]) => resource.runInAsyncScope(fn, thisArg, ...args);
  Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, writable: false, value: fn.length });
  return bound;
}
