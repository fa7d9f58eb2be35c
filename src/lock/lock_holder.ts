/**
 * Who holds a run lock and what it is called: the holder a lock carries (the
 * file's content, the Redis key's value), how it is read back, and the Redis
 * key every run of a checkpoint names.
 *
 * @module
 */

/**
 * Who holds a run lock, as the holder writes it into the lock (the file's
 * content, the Redis key's value) for `ua-harvest status` and for people.
 * Every field is best effort: a lock written by an older version has none.
 */
export interface LockHolder {
  /** The holder's process id. */
  readonly pid?: number;
  /** The holder's host name. */
  readonly host?: string;
  /** When it took the lock, ISO 8601 UTC. */
  readonly since?: string;
}

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

/** This process as a lock holder: its PID, host and the current time. */
export function describeThisHolder(now: Date = new Date()): LockHolder {
  let host: string | undefined;
  try {
    host = Deno.hostname();
  } catch {
    // Without the permission, the holder is still named by its PID.
  }
  return { pid: Deno.pid, host, since: now.toISOString() };
}

/**
 * The Redis key of the run lock for a checkpoint (its `description`, e.g.
 * `s3://bucket/key`): every run of that checkpoint, and `ua-harvest status`,
 * must name the same key.
 */
export function redisLockKey(checkpointDescription: string): string {
  return `ua-harvest:lock:${checkpointDescription}`;
}
