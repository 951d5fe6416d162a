import { Context, ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/**
 * The process's OpenTelemetry context manager.
 *
 * OpenTelemetry's default keeps the active context in an AsyncLocalStorage. On
 * Node 20 the first `AsyncLocalStorage#run` turns on a promise hook for the rest of
 * the process, and every promise then pays for it: measured on the token path, that
 * hook cost more than the spans themselves. The SDK calls `context.with` on its own
 * (the batch span processor suppresses tracing around each export), so merely
 * registering the default turns the hook on.
 *
 * So: a process that asks for an asynchronous context (`useAsyncContext()`, a
 * service whose queries the pg instrumentation must parent) gets the
 * AsyncLocalStorage one; every other process gets a synchronous stack — the context
 * is active for the duration of a `with` call, never across an `await` — and passes
 * contexts explicitly (tracing.ts: by request id). A process may ask at any time
 * (runService does, before serving anything); once on, the asynchronous one stays.
 */
export class ProcessContextManager implements ContextManager {
  private asyncManager?: AsyncLocalStorageContextManager;
  private readonly stack: Context[] = [];

  constructor(private readonly wantsAsync: () => boolean) {}

  /** The AsyncLocalStorage manager, once this process asked for it. */
  private async(): AsyncLocalStorageContextManager | undefined {
    if (!this.asyncManager && this.wantsAsync()) this.asyncManager = new AsyncLocalStorageContextManager().enable();
    return this.asyncManager;
  }

  active(): Context {
    const a = this.async();
    if (a) return a.active();
    return this.stack.length ? this.stack[this.stack.length - 1] : ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const a = this.async();
    if (a) return a.with(context, fn, thisArg, ...args);
    this.stack.push(context);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.stack.pop();
    }
  }

  bind<T>(context: Context, target: T): T {
    const a = this.async();
    if (a) return a.bind(context, target);
    if (typeof target !== 'function') return target;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.asyncManager?.disable();
    this.stack.length = 0;
    return this;
  }
}
