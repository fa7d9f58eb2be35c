import type { LockHolder } from "./lock_holder.ts";

/**
 * Reads the holder written into a lock: the JSON object of
 * {@linkcode LockHolder}, or a bare PID (what earlier versions wrote). Returns
 * `null` for an empty lock (released) and `{}` for text it cannot read.
 *
 * @example
 * ```ts
 * parseLockHolder('{"pid":42,"host":"h1","since":"2024-05-01T12:00:00.000Z"}'); // { pid: 42, host: "h1", since: … }
 * parseLockHolder("42\n"); // { pid: 42 }
 * ```
 */
export function parseLockHolder(text: string): LockHolder | null {
  const value = text.trim();
  if (value === "") return null;
  if (/^\d+$/.test(value)) return { pid: Number(value) };
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    return {};
  }
  if (typeof data !== "object" || data === null) return {};
  const { pid, host, since } = data as Record<string, unknown>;
  return {
    ...(Number.isSafeInteger(pid) ? { pid: pid as number } : {}),
    ...(typeof host === "string" ? { host } : {}),
    ...(typeof since === "string" ? { since } : {}),
  };
}
