/**
 * The project's own logging set-up (configureLogging) writing into memory
 * through a recording status line, for tests of what reaches the terminal.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dispose } from "@logtape/logtape";
import {
  configureLogging,
  type LoggingOptions,
} from "../../src/log/configure_logging.ts";
import type { StatusLine } from "../../src/log/status_line.ts";

/** A status line that records what is written through it. */
export interface RecordingStatusLine extends StatusLine {
  /** Each `writeLines()` call's text, in order. */
  readonly lines: string[];
}

/**
 * Configures logging with `options` onto a recording status line, runs
 * `run` with it and disposes logging afterwards, whatever happens. Logging
 * never draws or clears the status line: either fails the test.
 *
 * @example
 * ```ts
 * await withRecordedLogging({ format: "json" }, (status) => {
 *   getLogger(["ua-harvest"]).info("Done");
 *   assert.equal(status.lines.length, 1);
 * });
 * ```
 */
export async function withRecordedLogging<T>(
  options: Omit<LoggingOptions, "statusLine">,
  run: (status: RecordingStatusLine) => Promise<T> | T,
): Promise<T> {
  const decoder = new TextDecoder();
  const lines: string[] = [];
  const status: RecordingStatusLine = {
    lines,
    show: () => assert.fail("logging draws no status line"),
    clear: () => assert.fail("logging clears no status line"),
    writeLines: (bytes) => void lines.push(decoder.decode(bytes)),
    around: (write) => write(),
  };
  await configureLogging({ ...options, statusLine: status });
  try {
    return await run(status);
  } finally {
    await dispose();
  }
}
