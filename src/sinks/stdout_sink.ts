import type { RecordSink } from "./record_sink.ts";
import { encodeJsonLines } from "./_json_lines.ts";
import type { StatusLine } from "../log/status_line.ts";
import { stderrStatusLine } from "../log/stderr_status_line.ts";

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
}

/** A sink that writes one JSON object per line to stdout (`--output -`). */
export function createStdoutSink(options: StdoutSinkOptions = {}): RecordSink {
  const { output = Deno.stdout, statusLine = stderrStatusLine } = options;
  return {
    description: "stdout",
    async deliver(records) {
      if (records.length === 0) return;
      const bytes = encodeJsonLines(records);
      await statusLine.around(async () => {
        let written = 0;
        while (written < bytes.length) {
          written += await output.write(bytes.subarray(written));
        }
      });
    },
    async [Symbol.asyncDispose]() {},
  };
}
