/**
 * What a failed write to the output means, in words a person can act on:
 * shared by the stdout and file sinks so both name the cause the same way.
 *
 * @module
 */
import { OutputError } from "../errors.ts";
import { plural } from "../util/plural.ts";

/**
 * The cause of a failed write, from its error code: a closed reader, a full
 * disk, a closed stream… (the OS message otherwise).
 */
export function describeWriteFailure(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (error instanceof Deno.errors.BrokenPipe || code === "EPIPE") {
    return "broken pipe (the reading end closed it, e.g. `| head`)";
  }
  switch (code) {
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "disk quota exceeded";
    case "EBADF":
      return "it is closed";
    case "EIO":
      return "input/output error";
    case "EFBIG":
      return "the file is too large";
    case "EROFS":
      return "read-only file system";
  }
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error of a page that could not be written: one line naming the output
 * and the cause, saying that the checkpoint stays where the output ends.
 */
export function outputWriteError(
  output: string,
  records: number,
  error: unknown,
): OutputError {
  return new OutputError(
    `Cannot write to ${output}: ${
      describeWriteFailure(error)
    }; stopped, the page in flight (${records} ${
      plural(records, "record")
    }) and the rest were not delivered and the checkpoint stays at the last page written`,
    { cause: error },
  );
}
