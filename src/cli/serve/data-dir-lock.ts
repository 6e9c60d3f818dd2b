// The exclusive lock of `serve` on its data directory. PGlite is one PostgreSQL session inside one
// process: two processes that open one data directory each believe they own it and corrupt it
// (docs/postgres.md, "PGlite: one process"). So `serve` holds `DIR/serve.lock` while it runs, and
// a second `serve` on the same directory is refused with the holder's pid and start time.
//
// The lock file is JSON, `{"pid","hostname","startedAt","token"}`; `token` is random, so no two
// lock files ever have the same text (a pid is reused, a start time may repeat). The scheme:
//
// - **Create.** The lock is created only where no file of that name exists, and only whole: its
//   text is written to a temporary file of this process, which is then hard-linked to the lock's
//   name. link(2) fails with EEXIST when the name exists, exactly as open(O_CREAT | O_EXCL)
//   (`open(path, 'wx')`) does, and it also means no reader ever sees a half-written lock (with
//   `wx`, the file exists empty between the open and the write; a reader could not tell that from
//   a corrupt file). Markers (below) are created the same way.
// - **Live or stale.** A lock names a process. On this host, `process.kill(pid, 0)` tells whether
//   it runs (EPERM: it runs as another user). A lock naming this very process but a token this
//   process never created is stale: the pid was reused after a restart (a container's pid 1). A
//   live holder, or a lock from another host (whose liveness cannot be checked), is refused.
// - **Stale takeover, race-free.** Deleting a stale lock is the dangerous step: between reading it
//   and deleting it, another starting `serve` may have replaced it with a live lock, and deleting
//   that would let two processes open PGlite. So a stale lock's text S is deleted only by the one
//   process that created the takeover marker `serve.lock.takeover-<sha256(S)>`, and only after
//   reading the lock again, while holding the marker, and finding exactly S. That is safe because
//   S can leave the lock's name only through the marker's holder (its own holder is dead and no
//   one else deletes it), and S never comes back once gone (its token is unique). The other
//   starting processes find the marker taken, wait, and look again: they see S still there, no
//   lock, or the winner's live lock (refused). A marker whose holder died mid-takeover (kill -9
//   between two system calls) is itself taken over the same way, one level up: the marker of the
//   marker's text. Markers are removed once the takeover is done, and any left by dead processes
//   are removed by the next holder; a process that then re-creates a removed marker finds the
//   lock no longer holds S and deletes nothing.
// - **Release.** The holder deletes the lock on a clean exit, after checking it is still its own.
//
// The rename-and-verify alternative (rename the stale file to a unique name, check it was the
// stale one, put it back otherwise) has a gap: putting back a live lock can overwrite, or collide
// with, a third process's new lock. No step of this scheme deletes or replaces a file it has not
// just checked under a marker.
import { createHash, randomBytes } from 'node:crypto';
import { link, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../internal/cli-error.js';

/** The lock file's name inside the data directory. */
export const LOCK_FILE_NAME = 'serve.lock';

/** The lock file's contents: who holds the data directory. */
export interface DataDirLockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** When the holder took the lock, ISO 8601 UTC. */
  readonly startedAt: string;
  /** Random hex, unique to this lock. */
  readonly token: string;
}

/** A lock this process holds. */
export interface DataDirLock {
  /** The lock file's absolute path. */
  readonly path: string;
  readonly owner: DataDirLockOwner;
  /** Deletes the lock file if it is still this lock's. Idempotent; never throws. */
  release(): Promise<void>;
}

/** Options of {@link acquireDataDirLock}; tests replace the process's identity and clock. */
export interface AcquireDataDirLockOptions {
  /** This process's pid. @default process.pid */
  readonly pid?: number | undefined;
  /** This host's name. @default os.hostname() */
  readonly hostname?: string | undefined;
  /** Whether a process of this host runs. @default process.kill(pid, 0) (EPERM counts as running) */
  readonly isProcessAlive?: ((pid: number) => boolean) | undefined;
  /** The current time. @default () => new Date() */
  readonly now?: (() => Date) | undefined;
  /**
   * How long to wait, ms, while another process takes over a stale lock, before giving up.
   * @default 5000
   */
  readonly takeoverWaitMs?: number | undefined;
  /**
   * Awaited between the steps where another process could interleave: after reading the lock or
   * a marker, and after taking a marker. Tests pass random delays to vary the interleavings of
   * parallel acquisitions. @default none
   */
  readonly pause?: ((step: LockStep) => Promise<void>) | undefined;
}

/** A point of {@link acquireDataDirLock} where {@link AcquireDataDirLockOptions.pause} is awaited. */
export type LockStep = 'lock-read' | 'marker-read' | 'marker-taken';

/** The tokens of the locks and markers this process created and has not released: see isLive. */
const createdHere = new Set<string>();

/**
 * Takes the exclusive lock on the data directory `dir` (which must exist): creates
 * `dir/serve.lock`, or takes over a stale one whose process is gone.
 *
 * @param dir - the data directory, absolute.
 * @param options - the process's identity and clock (tests), the takeover wait.
 * @returns the lock; call `release()` at shutdown.
 * @throws CliError `data_dir_locked` (exit status 1) when another live `serve` holds it, when it
 *   is held from another host, when the lock file is not a `serve` lock, or when another process
 *   is still taking over a stale lock after `takeoverWaitMs`. Any other file-system error
 *   (permissions, a read-only directory) is thrown as it is.
 * @example
 * ```ts
 * const lock = await acquireDataDirLock('/home/me/app/.novatrade-webhooks');
 * try { … } finally { await lock.release(); }
 * ```
 */
export async function acquireDataDirLock(
  dir: string,
  options: AcquireDataDirLockOptions = {},
): Promise<DataDirLock> {
  const pid = options.pid ?? process.pid;
  const hostname = options.hostname ?? osHostname();
  const alive = options.isProcessAlive ?? isProcessAlive;
  const now = options.now ?? (() => new Date());
  const waitMs = options.takeoverWaitMs ?? 5_000;
  const lockPath = join(dir, LOCK_FILE_NAME);
  const pause = options.pause ?? (async () => undefined);
  const self: Self = { pid, hostname, alive, pause };
  const owner: DataDirLockOwner = {
    pid,
    hostname,
    startedAt: now().toISOString(),
    token: randomBytes(16).toString('hex'),
  };
  const text = `${JSON.stringify(owner)}\n`;
  const deadline = Date.now() + waitMs;
  let waits = 0;
  for (;;) {
    if (await createExclusive(lockPath, text, owner)) {
      await removeLitter(dir, self);
      return heldLock(lockPath, owner, text);
    }
    const current = await readText(lockPath);
    await self.pause('lock-read');
    if (current === null) continue; // released or taken over meanwhile: try again
    const holder = parseOwner(current);
    if (holder === null) {
      throw new CliError(
        'data_dir_locked',
        `the data directory ${dir} holds a ${LOCK_FILE_NAME} that is not a serve lock, so serve cannot tell whether the directory is in use.`,
        { hint: `If no serve uses ${dir}, delete ${lockPath} and start again.` },
      );
    }
    if (holder.hostname !== hostname) {
      throw new CliError(
        'data_dir_locked',
        `the data directory ${dir} is locked by a serve on host ${JSON.stringify(holder.hostname)} (pid ${holder.pid}, started ${holder.startedAt}); serve cannot check from here whether it still runs.`,
        {
          hint: `If you are sure no serve runs there any more, delete ${lockPath} and start again.`,
        },
      );
    }
    if (isLive(holder, self)) throw inUse(dir, holder);
    if (await takeOver(lockPath, current, owner, self)) continue;
    if (Date.now() >= deadline) {
      throw new CliError(
        'data_dir_locked',
        `the data directory ${dir} has a stale lock that another starting serve is taking over; it did not finish within ${waitMs} ms.`,
        {
          hint: `Start again in a moment; if this repeats while no serve runs, delete ${lockPath} and any ${LOCK_FILE_NAME}.takeover-* files next to it.`,
        },
      );
    }
    waits += 1;
    await sleep(Math.min(5 * waits, 50));
  }
}

function inUse(dir: string, holder: DataDirLockOwner): CliError {
  return new CliError(
    'data_dir_locked',
    `the data directory ${dir} is in use by another serve (pid ${holder.pid}, started ${holder.startedAt}).`,
    {
      hint: 'Stop that serve first, or pass another --data-dir. PGlite serves one process per data directory; to run several serve processes on one database, use PostgreSQL (--database-url).',
    },
  );
}

/** Whether `process.kill(pid, 0)` finds the process (EPERM: it exists, owned by another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Self {
  readonly pid: number;
  readonly hostname: string;
  readonly alive: (pid: number) => boolean;
  readonly pause: (step: LockStep) => Promise<void>;
}

/** A lock or marker of this host names a running process that holds it. */
function isLive(holder: DataDirLockOwner, self: Self): boolean {
  // This process's own pid: live only when this process created that file (a reused pid
  // otherwise, after a restart).
  if (holder.pid === self.pid) return createdHere.has(holder.token);
  return self.alive(holder.pid);
}

/**
 * One attempt to clear the stale lock whose text is `staleText`. Returns true when the caller
 * should try to create the lock again (the stale lock is gone, by this call or another), false
 * when another live process is taking it over (wait and look again).
 */
async function takeOver(
  lockPath: string,
  staleText: string,
  owner: DataDirLockOwner,
  self: Self,
): Promise<boolean> {
  // A marker names its holder like a lock, with a token of its own.
  const marker: DataDirLockOwner = { ...owner, token: randomBytes(16).toString('hex') };
  const markerText = `${JSON.stringify(marker)}\n`;
  const passed: string[] = [];
  let subject = staleText;
  // Each level is the marker of the text below it; a level is passed only when its holder is
  // dead. The chain is as long as the number of takers that died mid-takeover.
  for (let level = 0; level < 64; level++) {
    const markerPath = `${lockPath}.takeover-${sha256Hex(subject).slice(0, 32)}`;
    if (await createExclusive(markerPath, markerText, marker)) {
      try {
        await self.pause('marker-taken');
        // Only the holder of a marker over `staleText` deletes it, and only if it is still there.
        if ((await readText(lockPath)) === staleText) await unlinkQuietly(lockPath);
        for (const path of passed) await unlinkQuietly(path);
      } finally {
        await unlinkQuietly(markerPath);
        createdHere.delete(marker.token);
      }
      return true;
    }
    const found = await readText(markerPath);
    await self.pause('marker-read');
    if (found === null) return true; // its holder just finished: look at the lock again
    const holder = parseOwner(found);
    // Not a marker of this host (or not one at all): wait for it, then give up with a hint.
    if (holder === null || holder.hostname !== self.hostname) return false;
    if (isLive(holder, self)) return false;
    passed.push(markerPath);
    subject = found;
  }
  return false;
}

/** Creates `path` holding `text` only if no file of that name exists; false when one does. */
async function createExclusive(
  path: string,
  text: string,
  owner: DataDirLockOwner,
): Promise<boolean> {
  const temporary = `${path}.${owner.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, text, { flag: 'wx' });
  // Known before it is visible, so this process never mistakes its own file for a reused pid's.
  createdHere.add(owner.token);
  let linked = false;
  try {
    await link(temporary, path);
    linked = true;
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    if (!linked) createdHere.delete(owner.token);
    await unlinkQuietly(temporary);
  }
}

function heldLock(path: string, owner: DataDirLockOwner, text: string): DataDirLock {
  let released = false;
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      try {
        if ((await readText(path)) === text) await unlinkQuietly(path);
      } catch {
        // Releasing is best effort: a lock left behind is stale once this process is gone.
      } finally {
        createdHere.delete(owner.token);
      }
    },
  };
}

/**
 * Removes what dead processes left next to the lock: temporary files (killed between writing
 * and linking) and takeover markers (killed mid-takeover). Only files naming a dead process of
 * this host are touched; any error is ignored (it is litter, not state).
 */
async function removeLitter(dir: string, self: Self): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    const temporary = /^serve\.lock(?:\.takeover-[0-9a-f]+)?\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (temporary !== null) {
      const pid = Number(temporary[1]);
      if (pid !== self.pid && !self.alive(pid)) await unlinkQuietly(path);
      continue;
    }
    if (/^serve\.lock\.takeover-[0-9a-f]+$/.test(name)) {
      const text = await readText(path).catch(() => null);
      const holder = text === null ? null : parseOwner(text);
      if (holder !== null && holder.hostname === self.hostname && !isLive(holder, self)) {
        await unlinkQuietly(path);
      }
    }
  }
}

/** The lock's owner, or null when `text` is not a lock this module wrote. */
export function parseOwner(text: string): DataDirLockOwner | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { pid, hostname, startedAt, token } = parsed as Record<string, unknown>;
  if (
    typeof pid !== 'number' ||
    !Number.isSafeInteger(pid) ||
    pid <= 0 ||
    typeof hostname !== 'string' ||
    typeof startedAt !== 'string' ||
    typeof token !== 'string'
  ) {
    return null;
  }
  return { pid, hostname, startedAt, token };
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
