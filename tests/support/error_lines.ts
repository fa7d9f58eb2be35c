/**
 * The error lines of a CLI run's stderr: `[ERR]` log lines (someone must
 * act, the run went on) and the fatal line that ends a failed run
 * (`ua-harvest: … (exit N: …)`, see `src/cli/fatal_line.ts`).
 *
 * @module
 */

import assert from "node:assert/strict";

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

/**
 * Asserts that a run ended with exit `code` and exactly one error line, which
 * matches `pattern`; returns that line.
 */
export function assertOneErrorLine(
  result: { readonly code: number; readonly stderr: string },
  code: number,
  pattern: RegExp,
): string {
  assert.equal(result.code, code, result.stderr);
  const errors = errorLines(result.stderr);
  assert.equal(errors.length, 1, result.stderr);
  assert.match(errors[0]!, pattern);
  return errors[0]!;
}
