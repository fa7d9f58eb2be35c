/**
 * Reads who holds a run lock without taking it (for `ua-harvest status`).
 *
 * @module
 */
import type { RedisClient } from "../redis/redis_client.ts";
import { type LockHolder, parseLockHolder } from "./lock_holder.ts";

/**
 * Reads who holds the file run lock at `path`; `null` when nobody does.
 *
 * The answer comes from the kernel, not from the file's text: a shared lock
 * is asked for, which fails while any process holds the lock (a harvest, or
 * a person's `flock(1)` that writes nothing into the file), and one that is
 * granted is given back at once. The text then only names the holder (a
 * harvest writes its PID, host and since when; a killed one cannot empty the
 * file, but the kernel dropped its lock). A missing file is free and is not
 * created. The shared lock lasts a moment: a harvest starting in that very
 * moment would be turned away (exit 8) and run again from cron; reading
 * `/proc/locks` instead would need every permission.
 */
export async function readFileLockHolder(
  path: string,
): Promise<LockHolder | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    if (await file.tryLock(false)) {
      await file.unlock();
      return null;
    }
    const text = await Deno.readTextFile(path).catch(() => "");
    return parseLockHolder(text) ?? {};
  } finally {
    file.close();
  }
}

/** A Redis run lock as `ua-harvest status` sees it. */
export interface RedisLockState {
  /** Who holds it (`{}` for a holder written by an older version). */
  readonly holder: LockHolder;
  /** How long until it expires unless its holder renews it, in milliseconds. */
  readonly expiresInMs?: number;
}

/**
 * Reads who holds the Redis run lock `key`, without taking it; `null` when
 * nobody does. Throws what the client throws (Redis down).
 */
export async function readRedisLockHolder(
  client: RedisClient,
  key: string,
): Promise<RedisLockState | null> {
  const [value, ttl] = await Promise.all([
    client.send(["GET", key]),
    client.send(["PTTL", key]),
  ]);
  if (typeof value !== "string") return null;
  return {
    holder: parseLockHolder(value) ?? {},
    ...(typeof ttl === "number" && ttl > 0 ? { expiresInMs: ttl } : {}),
  };
}
