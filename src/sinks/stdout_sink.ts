import type { RecordSink } from "./record_sink.ts";
import { encodeJsonLines } from "./_json_lines.ts";

/** Options for {@linkcode createStdoutSink}. */
export interface StdoutSinkOptions {
  /** Where the lines go. @default Deno.stdout */
  readonly output?: { write(bytes: Uint8Array): Promise<number> };
}

/** A sink that writes one JSON object per line to stdout (`--output -`). */
export function createStdoutSink(options: StdoutSinkOptions = {}): RecordSink {
  const { output = Deno.stdout } = options;
  return {
    description: "stdout",
    async deliver(records) {
      if (records.length === 0) return;
      const bytes = encodeJsonLines(records);
      let written = 0;
      while (written < bytes.length) {
        written += await output.write(bytes.subarray(written));
      }
    },
    async [Symbol.asyncDispose]() {},
  };
}
