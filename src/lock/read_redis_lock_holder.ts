import type { Redis } from "ioredis";
import type { LockHolder } from "./lock_holder.ts";
import { parseLockHolder } from "./parse_lock_holder.ts";

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
