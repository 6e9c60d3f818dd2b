// A store double for outage tests: it wraps a working store (a dedupe store or an inbox) and can
// hold any of its methods. A held call neither answers nor reaches the inner store until it is let
// go, and then runs late, the way a command buffered behind a silent connection reaches Redis
// once the connection answers again. A call that is never let go never answers.

/** The names of `T`'s methods. */
type MethodOf<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T] &
  string;

/** One call made to the double, in order. */
export interface HeldCall {
  readonly method: string;
  readonly args: readonly unknown[];
}

/** A wrapped store and the controls over it. */
export interface HeldStore<T> {
  /** The double: pass it as `dedupe` or `inbox`. */
  readonly store: T;
  /** Every call made, held or not, in order. */
  readonly calls: readonly HeldCall[];
  /** Holds the calls of `method` made from now on (and those waiting already stay held). */
  hold(method: MethodOf<T>): void;
  /** Stops holding `method` and lets its waiting calls reach the inner store, in order. */
  letGo(method: MethodOf<T>): void;
  /** Resolves once `method` has been called `count` times in all (default 1), maybe already. */
  called(method: MethodOf<T>, count?: number): Promise<void>;
  /** The calls of `method`. */
  callsOf(method: MethodOf<T>): readonly HeldCall[];
}

/** Wraps `inner`: every method call is recorded, and a held method waits until `letGo`. */
export function holdStore<T extends object>(inner: T): HeldStore<T> {
  const calls: HeldCall[] = [];
  const held = new Set<string>();
  const waiting = new Map<string, Array<() => void>>();
  const watchers: Array<{ method: string; count: number; resolve: () => void }> = [];
  const countOf = (method: string) => calls.filter((c) => c.method === method).length;

  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls.push({ method: property, args });
        for (const watcher of watchers.splice(0)) {
          if (countOf(watcher.method) >= watcher.count) watcher.resolve();
          else watchers.push(watcher);
        }
        if (held.has(property)) {
          await new Promise<void>((resolve) => {
            const queue = waiting.get(property) ?? [];
            queue.push(resolve);
            waiting.set(property, queue);
          });
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });

  return {
    store,
    calls,
    hold(method) {
      held.add(method);
    },
    letGo(method) {
      held.delete(method);
      for (const resolve of waiting.get(method)?.splice(0) ?? []) resolve();
    },
    called(method, count = 1) {
      if (countOf(method) >= count) return Promise.resolve();
      return new Promise((resolve) => watchers.push({ method, count, resolve }));
    },
    callsOf(method) {
      return calls.filter((c) => c.method === method);
    },
  };
}
