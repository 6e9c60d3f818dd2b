// Plain-text tables for the API commands' readable output: columns padded to their widest cell,
// two spaces apart, the last column unpadded. Widths are measured before colouring, so colour
// codes never shift a column.

/** One column: its heading, and how its cells are coloured (after padding). */
export interface TableColumn {
  readonly heading: string;
  /** Colours a cell; the text passed in is padded already. @default no colour */
  readonly color?: ((text: string, value: string) => string) | undefined;
}

/**
 * The lines of a table: the headings (through `headingColor`), then one line per row. A row
 * shorter than the columns is filled with empty cells.
 *
 * @example
 * ```ts
 * renderTable([{ heading: 'ID' }, { heading: 'STATUS' }], [['wh_1', 'ACTIVE']]);
 * // ['ID    STATUS', 'wh_1  ACTIVE']
 * ```
 */
export function renderTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  headingColor: (text: string) => string = (text) => text,
): string[] {
  const widths = columns.map((column, index) =>
    Math.max(column.heading.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[], paint: (index: number, padded: string) => string) =>
    columns
      .map((_, index) => {
        const text = cells[index] ?? '';
        const last = index === columns.length - 1;
        return paint(index, last ? text : text.padEnd(widths[index] as number));
      })
      .join('  ')
      .trimEnd();
  return [
    line(
      columns.map((column) => column.heading),
      (_, padded) => headingColor(padded),
    ),
    ...rows.map((row) =>
      line(row, (index, padded) => {
        const color = columns[index]?.color;
        return color === undefined ? padded : color(padded, row[index] ?? '');
      }),
    ),
  ];
}
