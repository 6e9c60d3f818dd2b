// The data-directory lock of `serve`: one holder at a time, a live holder refused with its pid and
// start time, a stale lock (its process gone) taken over by exactly one of several starting
// processes, takers that died mid-takeover passed over, locks of another host refused. The races
// run for real: several acquisitions in parallel in this process (each with a pid of its own),
// and several child processes started together.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../../src/cli/internal/cli-error.js';
import {
  acquireDataDirLock,
  type DataDirLockOwner,
  isProcessAlive,
  LOCK_FILE_NAME,
  parseOwner,
} from '../../../../src/cli/serve/data-dir-lock.js';
import { type ChildScript, spawnScript } from '../../../helpers/processes/child-process.js';

const dirs: string[] = [];
const newDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'nw-serve-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const HOST = 'test-host';
/** Fake pids far above any real one, so `isProcessAlive` is the test's own. */
const FAKE_PID = 90_000_000;

/** A lock file's text as another process would have written it. */
function lockText(owner: Partial<DataDirLockOwner> & { pid: number }): string {
  return `${JSON.stringify({
    hostname: HOST,
    startedAt: '2026-05-01T10:00:00.000Z',
    token: randomBytes(16).toString('hex'),
    ...owner,
  })}\n`;
}

function lockPath(dir: string): string {
  return join(dir, LOCK_FILE_NAME);
}

function refusal(error: unknown): CliError {
  expect(error).toBeInstanceOf(CliError);
  const cliError = error as CliError;
  expect(cliError.code).toBe('data_dir_locked');
  expect(cliError.exitCode).toBe(1);
  return cliError;
}

/** Options of a fake process `pid` on HOST whose world has the live pids `alive`. */
function as(pid: number, alive: ReadonlySet<number>) {
  return {
    pid,
    hostname: HOST,
    isProcessAlive: (p: number) => alive.has(p),
    takeoverWaitMs: 2_000,
  };
}

describe('acquireDataDirLock', () => {
  it('creates DIR/serve.lock with the pid, host, start time and a token, and removes it on release', async () => {
    const dir = newDir();
    const now = new Date('2026-05-01T10:00:00.000Z');
    const lock = await acquireDataDirLock(dir, { pid: FAKE_PID, hostname: HOST, now: () => now });
    expect(lock.path).toBe(lockPath(dir));
    const owner = parseOwner(readFileSync(lock.path, 'utf8'));
    expect(owner).toEqual({
      pid: FAKE_PID,
      hostname: HOST,
      startedAt: '2026-05-01T10:00:00.000Z',
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    await lock.release();
    await lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a second acquisition while the first holds it, naming its pid and start time', async () => {
    const dir = newDir();
    const alive = new Set([FAKE_PID]);
    const first = await acquireDataDirLock(dir, as(FAKE_PID, alive));
    const error = refusal(
      await acquireDataDirLock(dir, as(FAKE_PID + 1, alive)).catch((e: unknown) => e),
    );
    expect(error.message).toBe(
      `the data directory ${dir} is in use by another serve (pid ${FAKE_PID}, started ${first.owner.startedAt}).`,
    );
    expect(error.hint).toContain('--data-dir');
    expect(error.hint).toContain('--database-url');
    // The refused attempt changed nothing.
    expect(parseOwner(readFileSync(lockPath(dir), 'utf8'))).toEqual(first.owner);
    await first.release();
    const second = await acquireDataDirLock(dir, as(FAKE_PID + 1, alive));
    await second.release();
  });

  it('counts a process that exists but belongs to another user (EPERM) as running', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    // pid 1 runs as root; as another user kill(1, 0) fails with EPERM, which still means alive.
    expect(isProcessAlive(1)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 12_345)).toBe(false);
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dir = newDir();
    writeFileSync(lockPath(dir), lockText({ pid: FAKE_PID + 7 }));
    const lock = await acquireDataDirLock(dir, as(FAKE_PID, new Set([FAKE_PID])));
    expect(parseOwner(readFileSync(lockPath(dir), 'utf8'))?.pid).toBe(FAKE_PID);
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    await lock.release();
  });

  it("takes over a lock naming this process's own pid that this process never created (a pid reused after a restart)", async () => {
    const dir = newDir();
    writeFileSync(lockPath(dir), lockText({ pid: process.pid, hostname: HOST }));
    const lock = await acquireDataDirLock(dir, {
      hostname: HOST,
      isProcessAlive: () => true,
    });
    expect(lock.owner.pid).toBe(process.pid);
    // …but a lock this process holds is live, whatever the pid says.
    refusal(
      await acquireDataDirLock(dir, { hostname: HOST, isProcessAlive: () => true }).catch(
        (e: unknown) => e,
      ),
    );
    await lock.release();
  });

  it('refuses a lock of another host, with a hint to delete it', async () => {
    const dir = newDir();
    writeFileSync(lockPath(dir), lockText({ pid: 4242, hostname: 'elsewhere' }));
    const error = refusal(
      await acquireDataDirLock(dir, as(FAKE_PID, new Set())).catch((e: unknown) => e),
    );
    expect(error.message).toContain('on host "elsewhere" (pid 4242');
    expect(error.hint).toBe(
      `If you are sure no serve runs there any more, delete ${lockPath(dir)} and start again.`,
    );
    expect(readFileSync(lockPath(dir), 'utf8')).toContain('elsewhere');
  });

  it('refuses a lock file it cannot read as a lock, and leaves it alone', async () => {
    for (const text of [
      '',
      'garbage',
      '{"pid":"12"}',
      '[]',
      '{"pid":-1,"hostname":"h","startedAt":"x","token":"t"}',
    ]) {
      const dir = newDir();
      writeFileSync(lockPath(dir), text);
      const error = refusal(
        await acquireDataDirLock(dir, as(FAKE_PID, new Set())).catch((e: unknown) => e),
      );
      expect(error.message).toContain('not a serve lock');
      expect(readFileSync(lockPath(dir), 'utf8')).toBe(text);
    }
  });

  it('passes over takers that died mid-takeover (their markers), and removes their markers', async () => {
    const dir = newDir();
    const stale = lockText({ pid: FAKE_PID + 1 });
    writeFileSync(lockPath(dir), stale);
    // Two takers died one after the other: the first holding the marker of the lock's text, the
    // second the marker of the first's marker.
    const { createHash } = await import('node:crypto');
    const marker = (text: string) =>
      `${lockPath(dir)}.takeover-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    const first = lockText({ pid: FAKE_PID + 2 });
    const second = lockText({ pid: FAKE_PID + 3 });
    writeFileSync(marker(stale), first);
    writeFileSync(marker(first), second);
    // …and one left a temporary file behind.
    writeFileSync(`${lockPath(dir)}.${FAKE_PID + 2}.abcdef.tmp`, first);
    const lock = await acquireDataDirLock(dir, as(FAKE_PID, new Set([FAKE_PID])));
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    await lock.release();
  });

  it('waits for a live taker, then gives up with a hint when it never finishes', async () => {
    const dir = newDir();
    const stale = lockText({ pid: FAKE_PID + 1 });
    writeFileSync(lockPath(dir), stale);
    const { createHash } = await import('node:crypto');
    const markerPath = `${lockPath(dir)}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 32)}`;
    writeFileSync(markerPath, lockText({ pid: FAKE_PID + 2 }));
    const started = performance.now();
    const error = refusal(
      await acquireDataDirLock(dir, {
        ...as(FAKE_PID, new Set([FAKE_PID, FAKE_PID + 2])),
        takeoverWaitMs: 200,
      }).catch((e: unknown) => e),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(error.message).toContain('another starting serve is taking over');
    expect(error.hint).toContain('serve.lock.takeover-*');
    // Nothing was deleted under the live taker.
    expect(readFileSync(lockPath(dir), 'utf8')).toBe(stale);
  });

  it('gives the lock to exactly one of many parallel acquisitions, with or without a stale lock or dead takers (property)', async () => {
    const { createHash } = await import('node:crypto');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          contenders: fc.integer({ min: 2, max: 8 }),
          stale: fc.boolean(),
          deadTakers: fc.integer({ min: 0, max: 2 }),
          // Delays at the steps where another contender can interleave, ms: each contender draws
          // from the stream in turn, so the interleavings vary from run to run.
          delays: fc.infiniteStream(fc.integer({ min: 0, max: 3 })),
        }),
        async ({ contenders, stale, deadTakers, delays }) => {
          const dir = newDir();
          if (stale) {
            let text = lockText({ pid: FAKE_PID + 100 });
            writeFileSync(lockPath(dir), text);
            for (let i = 0; i < deadTakers; i++) {
              const next = lockText({ pid: FAKE_PID + 200 + i });
              const name = createHash('sha256').update(text).digest('hex').slice(0, 32);
              writeFileSync(`${lockPath(dir)}.takeover-${name}`, next);
              text = next;
            }
          }
          const pids = Array.from({ length: contenders }, (_, i) => FAKE_PID + 1 + i);
          const alive = new Set(pids);
          const pause = async (): Promise<void> => {
            const ms = delays.next().value as number;
            await new Promise((resolve) =>
              ms === 0 ? setImmediate(resolve) : setTimeout(resolve, ms),
            );
          };
          const results = await Promise.allSettled(
            pids.map((pid) => acquireDataDirLock(dir, { ...as(pid, alive), pause })),
          );
          const won = results.filter((r) => r.status === 'fulfilled');
          expect(won).toHaveLength(1);
          for (const result of results) {
            if (result.status === 'rejected') refusal(result.reason);
          }
          const winner = (
            won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDataDirLock>>>
          ).value;
          expect(parseOwner(readFileSync(lockPath(dir), 'utf8'))).toEqual(winner.owner);
          // No marker or temporary file is left once everyone is done.
          expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
          await winner.release();
          expect(readdirSync(dir)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('acquireDataDirLock across processes', () => {
  const children: ChildScript[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill9()));
  });

  const contend = (dir: string, name: string): ChildScript => {
    const child = spawnScript('test/unit/cli/serve/lock-contender.ts', { name, args: [dir] });
    children.push(child);
    return child;
  };
  const outcome = (child: ChildScript) =>
    child.waitForMessage((m) => m.t === 'acquired' || m.t === 'refused', {
      timeoutMs: 20_000,
      what: 'the outcome of its attempt',
    });

  it('lets one of several processes started together take over a stale lock; the others are refused while it holds it; after kill -9 a new one takes over', async () => {
    const dir = newDir();
    // A lock left by a process that is gone (kill -9): a pid no process has.
    writeFileSync(
      lockPath(dir),
      lockText({ pid: 2 ** 22 + 54_321, hostname: (await import('node:os')).hostname() }),
    );
    const contenders = Array.from({ length: 4 }, (_, i) => contend(dir, `contender-${i}`));
    const outcomes = await Promise.all(contenders.map(outcome));
    const winners = contenders.filter((_, i) => outcomes[i]?.t === 'acquired');
    expect(winners).toHaveLength(1);
    const winner = winners[0] as ChildScript;
    for (const [i, result] of outcomes.entries()) {
      if (result.t === 'refused') {
        expect(result.code).toBe('data_dir_locked');
        expect(String(result.message)).toContain(`is in use by another serve (pid ${winner.pid}`);
        expect(contenders[i]).not.toBe(winner);
      }
    }
    expect(parseOwner(readFileSync(lockPath(dir), 'utf8'))?.pid).toBe(winner.pid);

    // The holder dies without releasing: its lock is stale, and the next process takes it over.
    await winner.kill9();
    const next = contend(dir, 'after-kill-9');
    expect((await outcome(next)).t).toBe('acquired');
    expect(parseOwner(readFileSync(lockPath(dir), 'utf8'))?.pid).toBe(next.pid);
    next.send({ cmd: 'release' });
    await next.waitForMessage((m) => m.t === 'released', {
      timeoutMs: 10_000,
      what: 'the release',
    });
    await next.exited;
    expect(readdirSync(dir)).toEqual([]);
  }, 40_000);
});
