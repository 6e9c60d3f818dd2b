// A caller's AbortSignal that counts the abort listeners still attached to it, so a test can show
// that a call leaves none behind on a long-lived signal once it has ended (a `once` listener
// leaves as it fires).

export interface CountingSignal {
  readonly controller: AbortController;
  readonly signal: AbortSignal;
  /** How many abort listeners are attached now. */
  listeners(): number;
}

export function countingSignal(): CountingSignal {
  const controller = new AbortController();
  const { signal } = controller;
  const live = new Map<unknown, EventListener>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((
    type: string,
    listener: EventListener,
    options?: AddEventListenerOptions,
  ) => {
    const wrapped: EventListener = (event) => {
      if (options?.once === true) live.delete(listener);
      listener(event);
    };
    live.set(listener, wrapped);
    add(type, wrapped, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener) => {
    const wrapped = live.get(listener);
    live.delete(listener);
    if (wrapped !== undefined) remove(type, wrapped);
  }) as typeof signal.removeEventListener;
  return { controller, signal, listeners: () => live.size };
}
