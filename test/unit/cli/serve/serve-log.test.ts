// What `serve` prints: the attempt line in both formats (pretty for people, one stable JSON object
// for scripts), the logger lines on stderr, colour only through the command's Output, and no URL
// path, query or body in any line.
import fc from 'fast-check';
import picocolors from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { Output } from '../../../../src/cli/internal/output.js';
import {
  attemptFields,
  clockTime,
  createServeLog,
  formatAttemptPretty,
  formatJsonLine,
  formatLogPretty,
} from '../../../../src/cli/serve/serve-log.js';
import type { DeliveryAttemptPayload } from '../../../../src/sender/sender-events.js';

const plain = picocolors.createColors(false);
const coloured = picocolors.createColors(true);
// 10:30:00.123 local time on 2026-05-01.
const TIME = new Date(2026, 4, 1, 10, 30, 0, 123);

function payload(
  overrides: {
    httpStatus?: number | null;
    failureReason?: DeliveryAttemptPayload['attempt']['failureReason'];
    status?: DeliveryAttemptPayload['delivery']['status'];
    nextRetryAt?: string | null;
    test?: boolean;
    origin?: string;
  } = {},
): DeliveryAttemptPayload {
  return {
    origin: overrides.origin ?? 'http://127.0.0.1:4000',
    delivery: {
      id: 'dlv_3',
      endpointId: 'ep_2',
      eventId: 'evt_1',
      eventType: 'kyc.verification_completed',
      schemaVersion: 1,
      status: overrides.status ?? 'DELIVERED',
      httpStatus: overrides.httpStatus === undefined ? 204 : overrides.httpStatus,
      attempts: 1,
      lastAttemptAt: TIME.toISOString(),
      nextRetryAt: overrides.nextRetryAt ?? null,
      createdAt: TIME.toISOString(),
      lastFailureReason: overrides.failureReason ?? null,
      failureReason: null,
      test: overrides.test ?? false,
      replayOf: null,
    },
    attempt: {
      attempt: 1,
      startedAt: TIME.toISOString(),
      durationMs: 12,
      httpStatus: overrides.httpStatus === undefined ? 204 : overrides.httpStatus,
      failureReason: overrides.failureReason ?? null,
      responseBody: 'the receiver said something private',
    },
  };
}

function capture(): { output: Output; stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    output: {
      colors: plain,
      errorColors: plain,
      line: (text = '') => void stdout.push(text),
      errorLine: (text) => void stderr.push(text),
    },
  };
}

describe('attempt lines', () => {
  it('pretty: a success', () => {
    expect(formatAttemptPretty(attemptFields(payload()), TIME, plain)).toBe(
      '10:30:00.123 ✓ 204 kyc.verification_completed evt_1 → ep_2 http://127.0.0.1:4000 delivery dlv_3 attempt 1, 12 ms',
    );
  });

  it('pretty: a failure with a retry due, one without a response, one failed for good', () => {
    const retry = new Date(2026, 4, 1, 10, 31, 0, 123).toISOString();
    expect(
      formatAttemptPretty(
        attemptFields(
          payload({
            httpStatus: 500,
            failureReason: 'HTTP_ERROR',
            status: 'PENDING',
            nextRetryAt: retry,
            origin: 'https://hooks.example.com',
          }),
        ),
        TIME,
        plain,
      ),
    ).toBe(
      '10:30:00.123 ✗ 500 HTTP_ERROR kyc.verification_completed evt_1 → ep_2 https://hooks.example.com delivery dlv_3 attempt 1, 12 ms, next retry 10:31:00.123',
    );
    expect(
      formatAttemptPretty(
        attemptFields(payload({ httpStatus: null, failureReason: 'TIMEOUT', status: 'FAILED' })),
        TIME,
        plain,
      ),
    ).toBe(
      '10:30:00.123 ✗ TIMEOUT kyc.verification_completed evt_1 → ep_2 http://127.0.0.1:4000 delivery dlv_3 attempt 1, 12 ms, failed for good',
    );
  });

  it('pretty: a blocked destination says how to allow it; a test fire is marked', () => {
    const line = formatAttemptPretty(
      attemptFields(
        payload({
          httpStatus: null,
          failureReason: 'BLOCKED_DESTINATION',
          status: 'PENDING',
          nextRetryAt: TIME.toISOString(),
          test: true,
          origin: 'http://10.0.0.5',
        }),
      ),
      TIME,
      plain,
    );
    expect(line).toContain('kyc.verification_completed (test) evt_1');
    expect(line).toContain('--allow-private-networks allows it, for local development');
  });

  it('pretty: colour only when the output has it', () => {
    const line = formatAttemptPretty(attemptFields(payload()), TIME, coloured);
    expect(line).toContain('\u001b[32m✓');
    expect(formatAttemptPretty(attemptFields(payload()), TIME, plain)).not.toContain('\u001b[');
  });

  it('json: one object with a stable shape', () => {
    const { output, stdout } = capture();
    const log = createServeLog({ format: 'json', output, now: () => TIME });
    log.attempt(attemptFields(payload()));
    log.attempt(
      attemptFields(
        payload({
          httpStatus: 503,
          failureReason: 'HTTP_ERROR',
          status: 'PENDING',
          nextRetryAt: TIME.toISOString(),
        }),
      ),
    );
    expect(stdout.map((line) => JSON.parse(line))).toEqual([
      {
        time: TIME.toISOString(),
        level: 'info',
        msg: 'delivery attempt',
        ok: true,
        httpStatus: 204,
        failureReason: null,
        eventType: 'kyc.verification_completed',
        eventId: 'evt_1',
        deliveryId: 'dlv_3',
        endpointId: 'ep_2',
        origin: 'http://127.0.0.1:4000',
        attempt: 1,
        durationMs: 12,
        deliveryStatus: 'DELIVERED',
        nextRetryAt: null,
        test: false,
      },
      expect.objectContaining({
        level: 'warn',
        ok: false,
        httpStatus: 503,
        failureReason: 'HTTP_ERROR',
        deliveryStatus: 'PENDING',
        nextRetryAt: TIME.toISOString(),
      }),
    ]);
    expect(Object.keys(JSON.parse(stdout[0] as string)).slice(0, 3)).toEqual([
      'time',
      'level',
      'msg',
    ]);
  });

  it('never carries the response body (property over the attempt)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 8 }),
        fc.constantFrom('pretty', 'json' as const),
        (body, format) => {
          const { output, stdout } = capture();
          const p = payload();
          const log = createServeLog({ format, output, now: () => TIME });
          log.attempt(attemptFields({ ...p, attempt: { ...p.attempt, responseBody: body } }));
          expect(stdout.join('\n')).not.toContain(body);
        },
      ),
    );
  });
});

describe('service and logger lines', () => {
  it('writes info lines to stdout and the logger’s warnings and errors to stderr, in the format', () => {
    const { output, stdout, stderr } = capture();
    const log = createServeLog({ format: 'json', output, now: () => TIME });
    log.info('listening on …', 'listening', { url: 'http://127.0.0.1:1234' });
    log.logger.info({ ignored: true }, 'routine');
    log.logger.debug({ ignored: true }, 'detail');
    log.logger.warn(
      { endpointId: 'ep_1', error: Object.assign(new Error('boom'), { code: 'ECONNRESET' }) },
      'something failed',
    );
    log.logger.error({ time: 'not mine', n: 10n }, 'worse');
    expect(stdout.map((line) => JSON.parse(line))).toEqual([
      { time: TIME.toISOString(), level: 'info', msg: 'listening', url: 'http://127.0.0.1:1234' },
    ]);
    expect(stderr.map((line) => JSON.parse(line))).toEqual([
      {
        time: TIME.toISOString(),
        level: 'warn',
        msg: 'something failed',
        endpointId: 'ep_1',
        error: { name: 'Error', code: 'ECONNRESET', message: 'boom' },
      },
      { time: TIME.toISOString(), level: 'error', msg: 'worse', n: '10' },
    ]);
  });

  it('pretty: the text as given on stdout, key=value logger lines on stderr', () => {
    const { output, stdout, stderr } = capture();
    const log = createServeLog({ format: 'pretty', output, now: () => TIME });
    log.info('listening on http://127.0.0.1:1234', 'listening', { url: 'x' });
    log.warn('careful', 'careful');
    log.logger.warn(
      { endpointId: 'ep_1', origin: 'http://10.0.0.5', note: 'two words' },
      'blocked',
    );
    expect(stdout).toEqual(['listening on http://127.0.0.1:1234']);
    expect(stderr).toEqual([
      'careful',
      '10:30:00.123 warn  blocked endpointId=ep_1 origin=http://10.0.0.5 note="two words"',
    ]);
  });

  it('formats any fields as one line (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (fields, message) => {
        for (const line of [
          formatJsonLine('warn', message, fields, TIME),
          formatLogPretty('warn', message, fields, TIME, plain),
        ]) {
          expect(line).not.toMatch(/[\r\n]/);
        }
        const parsed = JSON.parse(formatJsonLine('warn', message, fields, TIME)) as Record<
          string,
          unknown
        >;
        expect(parsed.msg).toBe(message);
        expect(parsed.level).toBe('warn');
      }),
    );
  });

  it('clockTime pads every part', () => {
    expect(clockTime(new Date(2026, 0, 2, 3, 4, 5, 6))).toBe('03:04:05.006');
  });
});
