/**
 * Reads who holds a run lock without taking it (for `ua-harvest status`).
 *
 * @module
 */
import type { Redis } from "ioredis";
import { type LockHolder, parseLockHolder } from "./lock_holder.ts";

/**
 * Reads who holds the file run lock at `path`; `null` when nobody does.
 *
 * A holder empties the file when it releases the lock, so an empty file is
 * free and is not touched: taking the lock, even for an instant, could turn
 * away a harvest starting at that moment. A file that names a holder is
 * confirmed by asking for a shared lock, which fails while the holder lives
 * (the kernel drops the lock of a killed process, which cannot empty the
 * file); a shared lock that is granted is given back at once.
 */
export async function readFileLockHolder(
  path: string,
): Promise<LockHolder | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const holder = parseLockHolder(text);
  if (holder === null) return null;
  using file = await Deno.open(path, { read: true });
  if (await file.tryLock(false)) {
    await file.unlock();
    return null;
  }
  return holder;
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
  client: Redis,
  key: string,
): Promise<RedisLockState | null> {
  const [value, ttl] = await Promise.all([
    client.get(key),
    client.pttl(key),
  ]);
  if (value === null) return null;
  return {
    holder: parseLockHolder(value) ?? {},
    ...(ttl > 0 ? { expiresInMs: ttl } : {}),
  };
}
