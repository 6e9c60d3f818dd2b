// `deliveries history` is `deliveries list` under the issue's own word for it: the same command,
// options and usage errors.
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process-cli.js';

describe('deliveries history', () => {
  it('is deliveries list: the same help and the same usage errors', async () => {
    const [list, history] = await Promise.all([
      runInProcess(['deliveries', 'list', '--help']),
      runInProcess(['deliveries', 'history', '--help']),
    ]);
    expect(history.status).toBe(0);
    expect(history.stdout).toBe(list.stdout);
    expect(list.stdout).toContain('list|history [options] <endpoint-id>');
    const missing = await runInProcess(['deliveries', 'history']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'endpoint-id'");
  });
});
