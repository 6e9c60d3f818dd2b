// The coverage check both catalogs' event arbitraries share: over a sample of one type's `data`,
// every field of the schema's shape shows up with a value, absent wherever the schema allows it
// (and never where it does not), null wherever it allows null, and an enum field takes each of
// its known values.
import { expect } from 'vitest';

/** A zod object shape's fields, as far as this check reads them. */
export type SchemaShape = Record<string, { safeParse(value: unknown): { success: boolean } }>;

/**
 * Expects the `data` objects to cover `shape` as described above; `enumFields` lists the known
 * values of enum fields by field name.
 */
export function expectFieldCoverage(
  data: readonly Record<string, unknown>[],
  options: {
    readonly shape: SchemaShape;
    readonly enumFields: Readonly<Record<string, readonly string[]>>;
  },
): void {
  for (const [key, field] of Object.entries(options.shape)) {
    const values = data.map((one) => one[key]);
    expect(
      values.some((value) => value !== undefined && value !== null),
      key,
    ).toBe(true);
    if (field.safeParse(undefined).success) {
      expect(
        values.some((value) => value === undefined),
        `${key} absent`,
      ).toBe(true);
    } else {
      expect(
        values.every((value) => value !== undefined),
        `${key} required`,
      ).toBe(true);
    }
    if (field.safeParse(null).success) {
      expect(
        values.some((value) => value === null),
        `${key} null`,
      ).toBe(true);
    }
    const known = options.enumFields[key];
    if (known !== undefined) {
      expect(new Set(values.filter((value) => typeof value === 'string')), key).toEqual(
        new Set(known),
      );
    }
  }
}
