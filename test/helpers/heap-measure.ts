// Heap measurement for memory tests: a full GC on demand (without starting the worker with
// --expose-gc), and the bytes a fill adds and leaves behind once emptied.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** The heap in use after four full collections. */
export function settledHeap(): number {
  // Made once: a new vm context per call would itself add to the heap being measured.
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap bytes that `fill` adds, and that are still there after `empty`. A small round runs first,
 * so that compiled code and feedback are not counted as records.
 */
export async function measureHeap(
  fill: () => Promise<void>,
  empty: () => Promise<void>,
): Promise<{ filled: number; left: number }> {
  await fill();
  await empty();
  const base = settledHeap();
  await fill();
  const filled = settledHeap() - base;
  await empty();
  return { filled, left: settledHeap() - base };
}
