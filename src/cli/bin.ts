#!/usr/bin/env node
// The `novatrade-webhooks` executable (package.json `bin`): runs the command line and exits with
// its status once the command is done (`serve` and `listen` are done when a signal stops them).
import { nodeCliIo } from './internal/cli-io.js';
import { runCli } from './main.js';

runCli(process.argv.slice(2), nodeCliIo()).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
