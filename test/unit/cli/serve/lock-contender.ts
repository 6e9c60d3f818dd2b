// A process that tries once to take `serve`'s data-directory lock, for the lock's tests with real
// processes: `node --import tsx lock-contender.ts <dir>`. It prints one JSON line,
// `{"t":"acquired"}` or `{"t":"refused","code":…}`, and holds an acquired lock until its stdin
// sends `{"cmd":"release"}` (it then releases, prints `{"t":"released"}` and exits) or it is
// killed. Started together, several contenders race for one lock.
import { createInterface } from 'node:readline';
import { acquireDataDirLock } from '../../../../src/cli/serve/data-dir-lock.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: lock-contender.ts <dir>');

const print = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

try {
  const lock = await acquireDataDirLock(dir);
  print({ t: 'acquired', pid: process.pid });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const command = JSON.parse(line) as { cmd?: string };
    if (command.cmd !== 'release') return;
    void lock.release().then(() => {
      print({ t: 'released' });
      lines.close();
    });
  });
} catch (error) {
  print({ t: 'refused', code: (error as { code?: unknown }).code, message: String(error) });
}
