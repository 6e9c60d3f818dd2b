// The parsers' errors name a field and its shape, never a value from the body (docs/security.md):
// a canary planted in any field, in any form, never appears in a message, an issue or any other
// field of the error, in strict or lenient mode.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseEudrEvent,
  parseEudrEventJson,
  parseEvent,
  parseEventJson,
  safeParseEudrEvent,
  safeParseEudrEventJson,
  safeParseEvent,
  safeParseEventJson,
} from '../../../../src/core/catalog/index.js';
import { WebhookValidationError } from '../../../../src/core/errors.js';
import {
  assertNoLeak,
  errorTexts,
  type PlantedBody,
  plantedEudrBody,
  plantedNovatradeBody,
} from '../../../helpers/canary.js';

/** The texts of whatever `run` throws or returns as a failure; nothing when it succeeds. */
function failureTexts(run: () => unknown): string[] {
  try {
    const result = run();
    // The safe parsers return `{ success: false, error }` instead of throwing.
    return typeof result === 'object' && result !== null && 'error' in result
      ? errorTexts(result.error)
      : [];
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookValidationError);
    return errorTexts(error);
  }
}

function checkAll(
  planted: PlantedBody,
  strict: boolean,
  parsers: Readonly<Record<string, (json: string, strict: boolean) => unknown>>,
): void {
  for (const [name, parse] of Object.entries(parsers)) {
    assertNoLeak(
      planted,
      failureTexts(() => parse(planted.json, strict)),
      `${name} (strict: ${strict})`,
    );
  }
}

const NOVATRADE_PARSERS = {
  parseEvent: (json: string, strict: boolean) => parseEvent(JSON.parse(json), { strict }),
  safeParseEvent: (json: string, strict: boolean) => safeParseEvent(JSON.parse(json), { strict }),
  parseEventJson: (json: string, strict: boolean) => parseEventJson(json, { strict }),
  safeParseEventJson: (json: string, strict: boolean) => safeParseEventJson(json, { strict }),
};

const EUDR_PARSERS = {
  parseEudrEvent: (json: string, strict: boolean) => parseEudrEvent(JSON.parse(json), { strict }),
  safeParseEudrEvent: (json: string, strict: boolean) =>
    safeParseEudrEvent(JSON.parse(json), { strict }),
  parseEudrEventJson: (json: string, strict: boolean) => parseEudrEventJson(json, { strict }),
  safeParseEudrEventJson: (json: string, strict: boolean) =>
    safeParseEudrEventJson(json, { strict }),
};

describe('parser errors never quote a value from the body', () => {
  it('parseEvent, safeParseEvent, parseEventJson, safeParseEventJson: no canary in any error, strict or lenient', () => {
    fc.assert(
      fc.property(plantedNovatradeBody, fc.boolean(), (planted, strict) =>
        checkAll(planted, strict, NOVATRADE_PARSERS),
      ),
      { numRuns: 400 },
    );
  });

  it('parseEudrEvent, safeParseEudrEvent and the Json variants: no canary in any error, strict or lenient', () => {
    fc.assert(
      fc.property(plantedEudrBody, fc.boolean(), (planted, strict) =>
        checkAll(planted, strict, EUDR_PARSERS),
      ),
      { numRuns: 400 },
    );
  });
});
