// Shared by the sender's and the receiver's logging tests: what reaches stderr, and a logger that
// records its calls.
import { vi } from 'vitest';
import type { LogFields, Logger, LogLevel } from '../../src/logging/logger.js';

/** Every chunk written to process.stderr until the returned function is called. */
export function captureStderr(): () => string[] {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    writes.push(String(chunk));
    return true;
  });
  return () => {
    spy.mockRestore();
    return writes;
  };
}

/** One recorded logger call. */
export interface LoggedCall {
  readonly level: LogLevel;
  readonly fields: LogFields;
  readonly message: string;
}

/** A logger that records its calls. */
export function recordingLogger(): Logger & { readonly calls: LoggedCall[] } {
  const calls: LoggedCall[] = [];
  const at = (level: LogLevel) => (fields: LogFields, message: string) => {
    calls.push({ level, fields, message });
  };
  return { calls, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
