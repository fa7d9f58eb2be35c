/**
 * Names why a file could not be written, in the words an operator searches
 * for: read-only file system, no space left, permission denied. Pure.
 *
 * @module
 */
import { oneLine } from "../util/one_line.ts";

const CAUSES: Readonly<Record<string, string>> = {
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "it is a directory",
};

/**
 * The cause of a failed write, from the error's `code` (Deno sets it to the
 * `errno` name), else from its message.
 *
 * @example Usage
 * ```ts
 * describeWriteError(Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" })); // "no space left on device"
 * ```
 */
export function describeWriteError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && CAUSES[code] !== undefined) {
    return CAUSES[code];
  }
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  const message = error instanceof Error ? error.message : String(error);
  return oneLine(message) || "unknown error";
}
