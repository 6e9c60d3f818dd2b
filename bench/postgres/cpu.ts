// CPU time of processes and of the machine, read from /proc (Linux; elsewhere every figure is 0),
// so the benchmark can say where a run's time went: the workers, PostgreSQL's backends, the
// receiver, everything else. Clock ticks are taken as 10 ms (USER_HZ = 100 on Linux).
import { readFileSync } from 'node:fs';

const TICK_MS = 10;

/** User + system CPU ms of `pid` so far (0 when it cannot be read: gone, or not Linux). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Busy and total CPU ms of the whole machine so far (all cores). */
export function machineCpuMs(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** CPU ms of named groups of processes, and of the machine, between `start()` and `stop()`. */
export class CpuWindow {
  readonly #groups: Record<string, readonly number[]>;
  #start: Record<string, number> = {};
  #machine = { busy: 0, total: 0 };

  constructor(groups: Record<string, readonly number[]>) {
    this.#groups = groups;
  }

  #read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.#groups)) {
      out[name] = pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    }
    return out;
  }

  start(): void {
    this.#start = this.#read();
    this.#machine = machineCpuMs();
  }

  /** CPU ms of each group, and `machine` (busy ms, all processes on all cores) since start. */
  stop(): Record<string, number> {
    const now = this.#read();
    const machine = machineCpuMs();
    const out: Record<string, number> = {};
    for (const name of Object.keys(now)) out[name] = (now[name] ?? 0) - (this.#start[name] ?? 0);
    out.machine = machine.busy - this.#machine.busy;
    return out;
  }
}
