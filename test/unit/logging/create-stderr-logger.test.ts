import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStderrLogger as createNodeLogger } from '../../../src/logging/create-stderr-logger.node.js';
import { createStderrLogger as createWebLogger } from '../../../src/logging/create-stderr-logger.web.js';
import { formatLogLine } from '../../../src/logging/internal/create-line-logger.js';
import { resolveLogger, SILENT_LOGGER } from '../../../src/logging/internal/resolve-logger.js';
import { summarizeError } from '../../../src/logging/internal/summarize-error.js';
import type { Logger } from '../../../src/logging/logger.js';
import { thrown } from '../../helpers/thrown.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** What `createStderrLogger` wrote to process.stderr while `run` ran, one entry per write. */
function stderrOf(run: () => void): string[] {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return writes;
}

describe('createStderrLogger (Node: process.stderr)', () => {
  it('writes one parseable JSON line per warn and error call, nothing for info and debug', () => {
    const before = Date.now();
    const writes = stderrOf(() => {
      const logger = createNodeLogger();
      logger.debug({ a: 1 }, 'debug line');
      logger.info({ a: 1 }, 'info line');
      logger.warn({ stage: 'dedupe', status: 503 }, 'a store failed');
      logger.error({ stage: 'handler', nested: { n: 1 } }, 'a handler failed\nsecond line');
    });
    expect(writes).toHaveLength(2);
    for (const write of writes) {
      expect(write.endsWith('\n')).toBe(true);
      expect(write.slice(0, -1)).not.toMatch(/[\r\n]/);
    }
    const [warn, error] = writes.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(warn ?? {}).slice(0, 4)).toEqual(['level', 'time', 'name', 'msg']);
    expect(warn).toMatchObject({
      level: 'warn',
      name: '@novatrade24/webhooks',
      msg: 'a store failed',
      stage: 'dedupe',
      status: 503,
    });
    expect(Date.parse(String(warn?.time))).toBeGreaterThanOrEqual(before - 1);
    expect(String(warn?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(error).toMatchObject({
      level: 'error',
      msg: 'a handler failed\nsecond line',
      nested: { n: 1 },
    });
  });

  it('level sets the lowest level written', () => {
    const writes = stderrOf(() => {
      const logger = createNodeLogger({ level: 'info' });
      logger.debug({}, 'no');
      logger.info({}, 'yes');
      const errorsOnly = createNodeLogger({ level: 'error' });
      errorsOnly.warn({}, 'no');
      errorsOnly.error({}, 'yes');
    });
    expect(writes.map((line) => JSON.parse(line).level)).toEqual(['info', 'error']);
  });

  it('keeps the leading keys, shows errors by name, code and message, and survives a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const failure = Object.assign(new Error('boom'), { code: 'E_X', command: { args: ['tok'] } });
    const writes = stderrOf(() => {
      const logger = createNodeLogger();
      logger.warn({ level: 'debug', msg: 'spoofed', err: failure, n: 10n }, 'real');
      logger.warn({ cyclic }, 'still one line');
    });
    const first = JSON.parse(writes[0] as string);
    expect(first).toMatchObject({ level: 'warn', msg: 'real', n: '10' });
    expect(first.err).toEqual({ name: 'Error', code: 'E_X', message: 'boom' });
    expect(writes[0]).not.toContain('tok');
    expect(JSON.parse(writes[1] as string)).toMatchObject({
      msg: 'still one line',
      fields: 'unserializable',
    });
  });

  it('swallows a failing write', () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => {
      throw new Error('EPIPE');
    });
    expect(() => createNodeLogger().error({}, 'x')).not.toThrow();
  });

  it('refuses a bad level and unknown options, naming them', () => {
    expect(thrown(() => createNodeLogger({ level: 'verbose' as never })).issues[0]?.path).toBe(
      'level',
    );
    const unknown = thrown(() => createNodeLogger({ levl: 'info' } as never));
    expect(unknown.message).toContain('unknown option `levl` (did you mean `level`?)');
    expect(thrown(() => createNodeLogger('warn' as never)).issues[0]?.path).toBe('options');
  });
});

describe('createStderrLogger (/web: console.error)', () => {
  it('hands one JSON line per warn and error call to console.error, and never touches process', () => {
    const lines: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(line);
    });
    const writes = stderrOf(() => {
      const logger = createWebLogger();
      logger.info({}, 'dropped');
      logger.warn({ stage: 'inbox' }, 'w');
      logger.error({ stage: 'handler' }, 'e');
    });
    expect(writes).toEqual([]);
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => JSON.parse(String(line)).level)).toEqual(['warn', 'error']);
    expect(JSON.parse(String(lines[0]))).toMatchObject({
      name: '@novatrade24/webhooks',
      stage: 'inbox',
    });
  });
});

describe('formatLogLine', () => {
  it('escapes every line break, so a line stays one line whatever the strings hold', () => {
    const line = formatLogLine(
      'error',
      { text: 'a\nb\r\nc\u2028' },
      'm\n',
      '2026-01-01T00:00:00.000Z',
    );
    expect(line).not.toMatch(/[\r\n]/);
    expect(JSON.parse(line).text).toBe('a\nb\r\nc\u2028');
  });
});

describe('resolveLogger', () => {
  it('absent gives the fallback, silent gives a logger that drops everything', () => {
    const fallback = createNodeLogger();
    expect(resolveLogger(undefined, () => fallback)).toBe(fallback);
    expect(resolveLogger('silent', () => fallback)).toBe(SILENT_LOGGER);
    expect(stderrOf(() => SILENT_LOGGER.error({}, 'x'))).toEqual([]);
  });

  it('wraps a logger: calls go to it with its own `this`, and its throws are swallowed', () => {
    const calls: string[] = [];
    const custom = {
      prefix: 'p',
      debug(this: { prefix: string }, _fields: object, message: string) {
        calls.push(`${this.prefix}:debug:${message}`);
      },
      info() {
        throw new Error('broken logger');
      },
      warn(this: { prefix: string }, _fields: object, message: string) {
        calls.push(`${this.prefix}:warn:${message}`);
      },
      error() {},
    } satisfies Logger & { prefix: string };
    const logger = resolveLogger(custom, () => SILENT_LOGGER);
    logger.debug({}, 'd');
    expect(() => logger.info({}, 'i')).not.toThrow();
    logger.warn({}, 'w');
    expect(calls).toEqual(['p:debug:d', 'p:warn:w']);
  });

  it.each([
    ['a string other than silent', 'quiet'],
    ['null', null],
    ['an object without error', { debug() {}, info() {}, warn() {} }],
    ['a function', () => {}],
  ])('refuses %s with invalid_option naming logger', (_label, value) => {
    const error = thrown(() => resolveLogger(value, () => SILENT_LOGGER));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('logger');
  });
});

describe('summarizeError', () => {
  it('keeps the name, a string code and the message (cut at 500), nothing else', () => {
    const error = Object.assign(new TypeError('x'.repeat(600)), {
      code: 'ERR_X',
      token: 'secret-token',
    });
    const summary = summarizeError(error);
    expect(summary.name).toBe('TypeError');
    expect(summary.code).toBe('ERR_X');
    expect(summary.message).toHaveLength(501);
    expect(JSON.stringify(summary)).not.toContain('secret-token');
    expect(summarizeError(Object.assign(new Error('m'), { code: 5 }))).toEqual({
      name: 'Error',
      message: 'm',
    });
  });

  it('describes a thrown value that is not an error by its type only', () => {
    expect(summarizeError('the body was {"id":"x"}')).toEqual({
      name: 'a string of 23 characters',
    });
    expect(summarizeError({ data: 1 })).toEqual({ name: 'an object' });
  });
});
