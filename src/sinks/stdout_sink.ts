import { fstatSync, statSync } from "node:fs";
import type { RecordSink } from "./record_sink.ts";
import { encodeJsonLines } from "./_json_lines.ts";
import type { StatusLine } from "../log/status_line.ts";
import { stderrStatusLine } from "../log/stderr_status_line.ts";
import { OutputError } from "../errors.ts";
import { outputWriteError } from "./_write_failure.ts";
import { writeAll } from "../util/write_all.ts";

/** Options for {@linkcode createStdoutSink}. */
export interface StdoutSinkOptions {
  /** Where the lines go. @default Deno.stdout */
  readonly output?: { write(bytes: Uint8Array): Promise<number> };
  /**
   * The progress line, cleared while records are written: on a terminal,
   * stdout and stderr share the screen.
   *
   * @default stderrStatusLine
   */
  readonly statusLine?: StatusLine;
  /**
   * Whether the output goes nowhere (closed, or `/dev/null`); checked once,
   * at creation.
   * @default stdoutDiscards (for Deno.stdout), else () => false
   */
  readonly discards?: () => boolean;
}

/**
 * A sink that writes one JSON object per line to stdout (`--output -`). A
 * page counts as delivered only when its write succeeded: a broken pipe or a
 * full disk throws {@linkcode OutputError} (exit 10), and a stdout that goes
 * nowhere (closed with `>&-`, or `/dev/null`) is refused before anything is
 * fetched (a dry run never opens this sink).
 *
 * @throws {OutputError} at creation when stdout goes nowhere.
 */
export function createStdoutSink(options: StdoutSinkOptions = {}): RecordSink {
  const { output = Deno.stdout, statusLine = stderrStatusLine } = options;
  const discards = options.discards ??
    (output === Deno.stdout ? stdoutDiscards : () => false);
  if (discards()) {
    throw new OutputError(
      "Cannot write to stdout: it is closed (>&-) or /dev/null, so every record would be lost while the checkpoint moves; give the harvest an open stdout, use --output file:PATH or sqs, or --dry-run to look without delivering",
    );
  }
  return {
    description: "stdout",
    async deliver(records) {
      if (records.length === 0) return;
      const bytes = encodeJsonLines(records);
      try {
        await statusLine.around(() => writeAll(output, bytes));
      } catch (error) {
        throw outputWriteError("stdout", records.length, error);
      }
    },
    async [Symbol.asyncDispose]() {},
  };
}

/**
 * Whether stdout goes nowhere: closed when the run started (`>&-`; the
 * runtime's start-up code reopens a closed stdout on `/dev/null`, so writes
 * would "succeed" into nothing) or redirected to `/dev/null`. The two cannot
 * be told apart without reading `/proc`, which the permission set does not
 * allow; either way every record would be lost while the checkpoint moves.
 * `false` where stdout cannot be examined.
 */
export function stdoutDiscards(): boolean {
  try {
    const out = fstatSync(1);
    if (!out.isCharacterDevice()) return false;
    return out.rdev === statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}
