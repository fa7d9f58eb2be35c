/**
 * The error lines of a CLI run's stderr: `[ERR]` log lines (someone must
 * act, the run went on) and the fatal line that ends a failed run
 * (`ua-harvest: … (exit N: …)`, see `src/cli/fatal_line.ts`).
 *
 * @module
 */

const FATAL_LINE_REGEXP = /^ua-harvest: .* \(exit \d+: [^)]*\)$/;

/** Every error line of `stderr`, in order: `[ERR]` log lines and the fatal line. */
export function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) =>
    line.includes("[ERR]") || FATAL_LINE_REGEXP.test(line)
  );
}

/** The fatal lines of `stderr` (a failed run has exactly one, its last). */
export function fatalLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => FATAL_LINE_REGEXP.test(line));
}
