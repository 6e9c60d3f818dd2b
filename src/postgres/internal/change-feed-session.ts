// One LISTEN session of the change feed, over a pg client (checked out of a pool and kept, or
// opened by the caller's function) or over PGlite's own `listen`. Through
// `@electric-sql/pglite/node-postgres` a notification reaches only the pg client whose query
// committed it, not a client that ran LISTEN, whereas `PGlite.listen` hears every commit of the
// instance whichever client made it: so PGlite is listened to through `listen`.

/** A notification as pg delivers it. */
export interface PostgresNotification {
  readonly channel: string;
  readonly payload?: string | undefined;
}

/**
 * A pg client the feed keeps for LISTEN: a connected `pg.Client`, or a client of `pg.Pool`.
 * Typed by shape: the package imports neither `pg` nor its types.
 */
export interface PostgresListenClient {
  query(text: string): Promise<unknown>;
  on(event: 'notification', listener: (message: PostgresNotification) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'notification', listener: (message: PostgresNotification) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'end', listener: () => void): unknown;
}

/** A client checked out of a pool, ended with `release(true)` (a LISTEN session is not reused). */
export interface PostgresListenPoolClient extends PostgresListenClient {
  release(destroy?: Error | boolean): void;
}

/** A dedicated client of the caller's, ended with `end()`. */
export interface PostgresListenOwnClient extends PostgresListenClient {
  end(): Promise<void>;
}

/** The part of a PGlite instance the feed uses: `listen`, which returns the unsubscribe call. */
export interface PGliteListener {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

/** What a session tells the feed. */
export interface SessionHandlers {
  notification(channel: string, payload: string | undefined): void;
  /** The session ended or failed after it listened (never called after `close`). */
  lost(error: unknown): void;
}

/** An open LISTEN session. */
export interface ListenSession {
  /** Ends the session (UNLISTEN or closing its connection); no handler call after it. */
  close(): Promise<void>;
}

/** Opens one session that listens on `channels`; rejects when it cannot. */
export type OpenListenSession = (handlers: SessionHandlers) => Promise<ListenSession>;

/** An error event the client emitted after the feed let it go: nothing to do with it. */
function ignore(): void {}

/**
 * Sessions on pg clients: `acquire` yields a client, `listenSql` makes it listen, `dispose` ends
 * it. A client that failed or was closed is disposed of, never reused.
 */
export function clientSessions<C extends PostgresListenClient>(
  acquire: () => Promise<C>,
  dispose: (client: C) => Promise<void>,
  listenSql: string,
): OpenListenSession {
  return async (handlers) => {
    const client = await acquire();
    // pg emits 'error' on a client whose connection fails: without a listener, the process dies.
    client.on('error', ignore);
    let listening = false;
    let ended = false;
    let endedBy: unknown;
    const release = async (): Promise<void> => {
      client.removeListener('notification', onNotification);
      client.removeListener('error', onError);
      client.removeListener('end', onEnd);
      try {
        await dispose(client);
      } catch {
        // the connection is gone already
      }
    };
    const finish = (error: unknown): void => {
      if (ended) return;
      ended = true;
      endedBy = error;
      if (!listening) return; // the LISTEN below rejects (or is checked) instead
      void release();
      handlers.lost(error);
    };
    const onNotification = (message: PostgresNotification): void => {
      if (!ended) handlers.notification(message.channel, message.payload);
    };
    const onError = (error: Error): void => finish(error);
    const onEnd = (): void => finish(new Error('the LISTEN connection ended'));
    client.on('notification', onNotification);
    client.on('error', onError);
    client.on('end', onEnd);
    try {
      await client.query(listenSql);
      if (ended) throw endedBy;
    } catch (error) {
      ended = true;
      await release();
      throw error;
    }
    listening = true;
    return {
      close: async () => {
        if (ended) return;
        ended = true;
        await release();
      },
    };
  };
}

/** Sessions on PGlite: one `listen` per channel, in this process (PGlite is one process). */
export function pgliteSessions(
  pglite: PGliteListener,
  channels: readonly string[],
): OpenListenSession {
  return async (handlers) => {
    let closed = false;
    const unsubscribes: (() => Promise<void>)[] = [];
    const close = async (): Promise<void> => {
      closed = true;
      for (const unsubscribe of unsubscribes.splice(0)) {
        try {
          await unsubscribe();
        } catch {
          // a closed PGlite has no listeners left
        }
      }
    };
    try {
      for (const channel of channels) {
        unsubscribes.push(
          await pglite.listen(channel, (payload) => {
            if (!closed) handlers.notification(channel, payload);
          }),
        );
      }
    } catch (error) {
      await close();
      throw error;
    }
    return { close };
  };
}
