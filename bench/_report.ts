/**
 * What the benchmarks print while they run: a progress line as each step
 * ends (so a long run is never silent), each result row as soon as it is
 * measured, and rows that miss their target marked, in the rows and in the
 * closing table. Numbers only: nothing here asserts or fails.
 *
 * @module
 */
import { plural } from "../src/util/plural.ts";
import { table } from "./_table.ts";

/** A row's goal: a value it should reach, e.g. a ratio `≥ 0.8`. */
export interface Target {
  /** How the target reads in the table, e.g. `≥ 0.8` or `≤ 300 ms`. */
  readonly text: string;
  /** Whether a measured value meets it. */
  readonly met: (value: number) => boolean;
}

/** A target of at least `min`. */
export function atLeast(min: number, unit = ""): Target {
  return { text: `≥ ${min}${unit}`, met: (value) => value >= min };
}

/** A target of at most `max`. */
export function atMost(max: number, unit = ""): Target {
  return { text: `≤ ${max}${unit}`, met: (value) => value <= max };
}

/** One measured row. */
export interface BenchRow {
  /** The cells, in the order of the report's header (without the target). */
  readonly cells: readonly (string | number)[];
  /** Its target and the value compared with it (a ratio, milliseconds…). */
  readonly target?: { readonly goal: Target; readonly value: number };
}

/** The mark of a row that missed its target. */
export const MISSED = "✗ missed";

/** Options for {@linkcode createBenchReport}. */
export interface BenchReportOptions {
  /** Where progress and rows go as they come. @default a line to stdout */
  readonly write?: (line: string) => void;
  /** The clock of the progress lines, in milliseconds. @default performance.now */
  readonly now?: () => number;
}

/** A report being filled in; see {@linkcode createBenchReport}. */
export interface BenchReport {
  /** Prints that a step ended: `[  12.3 s] fetch limit: 46.8k/s`. */
  progress(text: string): void;
  /** Records a row and prints it at once, marked when it misses its target. */
  row(row: BenchRow): void;
  /** The closing table, every row, with a target column and the marks. */
  table(): string;
  /** The rows that missed their targets so far. */
  readonly missed: number;
  /** The closing line: every target met, or how many rows missed theirs. */
  verdict(): string;
}

/**
 * Starts a report under `header` (the column names before "target"), for a
 * benchmark that prints as it goes and ends with one table.
 *
 * @param header The names of the cells of each row.
 * @param options Where lines go, and the clock.
 */
export function createBenchReport(
  header: readonly string[],
  options: BenchReportOptions = {},
): BenchReport {
  const {
    write = (line: string) => console.log(line),
    now = () => performance.now(),
  } = options;
  const started = now();
  const rows: BenchRow[] = [];
  const elapsed = () =>
    `[${((now() - started) / 1000).toFixed(1).padStart(6)} s]`;
  const isMissed = (row: BenchRow) =>
    row.target !== undefined && !row.target.goal.met(row.target.value);
  return {
    progress(text) {
      write(`${elapsed()} ${text}`);
    },
    row(row) {
      rows.push(row);
      const [what, ...rest] = row.cells.map(String);
      const details = rest.filter((cell) => cell !== "").join(", ");
      const target = row.target ? `, target ${row.target.goal.text}` : "";
      const mark = row.target ? (isMissed(row) ? `  ${MISSED}` : "  ok") : "";
      write(`${elapsed()} ${what}: ${details}${target}${mark}`);
    },
    table() {
      return table(
        [...header, "target", ""],
        rows.map((row) => [
          ...row.cells,
          row.target?.goal.text ?? "",
          isMissed(row) ? MISSED : "",
        ]),
      );
    },
    get missed() {
      return rows.filter(isMissed).length;
    },
    verdict() {
      const missed = rows.filter(isMissed).length;
      return missed === 0
        ? "Every target met."
        : `${missed} ${plural(missed, "row")} missed ${
          missed === 1 ? "its target" : "their targets"
        } (${MISSED}).`;
    },
  };
}
