/**
 * A plain text table for the benchmarks' output.
 *
 * @module
 */

/**
 * Lays out rows under a header: the first column left-aligned, the others
 * right-aligned, two spaces apart.
 */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) =>
    Math.max(...cells.map((row) => row[i]!.length))
  );
  return cells.map((row) =>
    row.map((cell, i) =>
      i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)
    ).join("  ").trimEnd()
  ).join("\n");
}
