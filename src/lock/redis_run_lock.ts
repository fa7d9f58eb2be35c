/**
 * A run lock in Redis, for harvests that share a checkpoint across nodes (an
 * S3 checkpoint): only the run holding the key may harvest. The key carries a
 * time to live that the holder keeps renewing, so a lock left by a crashed
 * run expires by itself.
 *
 * @module
 */

import type { Redis } from "ioredis";
import { getLogger } from "@logtape/logtape";
import { randomUUID } from "node:crypto";
import type { RunLock } from "./run_lock.ts";
import { ConfigError, LockedError } from "../errors.ts";
import { connectRedis } from "../cache/redis_connection.ts";
import { redactRedisUrl } from "../cache/redact_redis_url.ts";
import { describeThisHolder } from "./describe_this_holder.ts";

const logger = getLogger(["ua-harvest", "lock"]);

/** Which Redis key to lock and for how long. */
export interface RedisRunLockOptions {
  /**
   * An already connected client (for instance shared with the episode
   * cache). The lock does not close a client it was given.
   * @default a new connection from `url`
   */
  readonly client?: Redis;
  /**
   * A `redis://[user:password@]host[:port][/db]` URL, used when there is no
   * `client`.
   * @default "redis://127.0.0.1:6379"
   */
  readonly url?: string;
  /**
   * The key to hold, e.g. `ua-harvest:lock:<checkpoint description>`.
   */
  readonly key: string;
  /**
   * How long the lock outlives its holder if the holder dies.
   * @default 60000
   */
  readonly ttlMs?: number;
  /**
   * How often the holder pushes the expiry back while it runs.
   * @default ttlMs / 3
   */
  readonly renewEveryMs?: number;
  /**
   * How long to wait for Redis when connecting from `url`.
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
}

// Only the holder (the one who knows the token) may renew or delete the key:
// a run that lost its lock (it expired while the process was stopped) must
// not extend or release the lock a newer run now holds.
const RENEW_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`;
const RELEASE_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

/**
 * Takes the lock, or throws {@linkcode LockedError} at once when another run
 * holds it. Dispose the returned lock to release it.
 *
 * Throws {@linkcode UnreachableError} when Redis cannot be reached (from
 * `url`), and {@linkcode ConfigError} for a bad key or times.
 *
 * @example
 * ```ts
 * await using lock = await acquireRedisRunLock({ url: "redis://127.0.0.1:6379", key: "ua-harvest:lock:s3://bucket/key" });
 * // … harvest …
 * ```
 */
export async function acquireRedisRunLock(
  options: RedisRunLockOptions,
): Promise<RunLock> {
  const ttlMs = options.ttlMs ?? 60_000;
  const renewEveryMs = options.renewEveryMs ?? Math.floor(ttlMs / 3);
  if (options.key === "") throw new ConfigError("The Redis lock key is empty");
  if (!Number.isInteger(ttlMs) || ttlMs < 1) {
    throw new ConfigError(
      `The Redis lock time to live must be a positive whole number of milliseconds, not ${ttlMs}`,
    );
  }
  if (!(renewEveryMs >= 1 && renewEveryMs < ttlMs)) {
    throw new ConfigError(
      `The Redis lock renewal interval must be between 1 and ${
        ttlMs - 1
      } ms, not ${renewEveryMs}`,
    );
  }

  let client: Redis;
  let server: string;
  const owned = options.client === undefined;
  if (options.client !== undefined) {
    client = options.client;
    const { host, port } = client.options;
    server = redactRedisUrl(`redis://${host}:${port}`);
  } else {
    ({ client, description: server } = await connectRedis({
      url: options.url ?? "redis://127.0.0.1:6379",
      connectTimeoutMs: options.connectTimeoutMs,
    }));
  }

  // The value is both the holder's secret token (the scripts compare all of
  // it) and, for `ua-harvest status`, who holds the lock since when.
  const token = JSON.stringify({
    token: randomUUID(),
    ...describeThisHolder(),
  });
  let acquired: string | null;
  try {
    acquired = await client.set(options.key, token, "PX", ttlMs, "NX");
  } catch (error) {
    if (owned) client.disconnect();
    throw error;
  }
  if (acquired !== "OK") {
    let remainingMs = -1;
    try {
      remainingMs = await client.pttl(options.key);
    } catch {
      // Only for the message; the lock is held either way.
    }
    if (owned) client.disconnect();
    const within = remainingMs > 0
      ? Math.ceil(remainingMs / 1000)
      : Math.ceil(ttlMs / 1000);
    throw new LockedError(
      `Another harvest is running (lock ${options.key} held in ${server}); it expires by itself within ${within} s if that run died`,
    );
  }
  logger.debug("Acquired run lock {key} in {redis}", {
    key: options.key,
    redis: server,
  });
  return new RedisRunLock(client, owned, options.key, token, server, {
    ttlMs,
    renewEveryMs,
  });
}

class RedisRunLock implements RunLock {
  readonly description: string;
  #client: Redis;
  #owned: boolean;
  #key: string;
  #token: string;
  #timer: ReturnType<typeof setInterval>;
  #released = false;
  #lost = new AbortController();
  readonly lost: AbortSignal = this.#lost.signal;

  constructor(
    client: Redis,
    owned: boolean,
    key: string,
    token: string,
    server: string,
    times: { ttlMs: number; renewEveryMs: number },
  ) {
    this.#client = client;
    this.#owned = owned;
    this.#key = key;
    this.#token = token;
    this.description = `redis:${key} (${server})`;
    this.#timer = setInterval(
      () => this.#renew(times.ttlMs),
      times.renewEveryMs,
    );
    // A forgotten lock must not keep the process alive.
    Deno.unrefTimer(this.#timer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    try {
      await this.#client.eval(RELEASE_SCRIPT, 1, this.#key, this.#token);
      logger.debug("Released run lock {key}", { key: this.#key });
    } catch (error) {
      // The key expires by itself; the next run merely waits for it.
      logger.warn(
        "Could not release run lock {key}, it expires by itself: {reason}",
        { key: this.#key, reason: (error as Error).message },
      );
    } finally {
      if (this.#owned) {
        await this.#client.quit().catch(() => this.#client.disconnect());
      }
    }
  }

  async #renew(ttlMs: number): Promise<void> {
    try {
      const renewed = await this.#client.eval(
        RENEW_SCRIPT,
        1,
        this.#key,
        this.#token,
        String(ttlMs),
      );
      if (renewed !== 1 && !this.#released && !this.#lost.signal.aborted) {
        clearInterval(this.#timer);
        logger.error(
          "Lost run lock {key}: it expired or was taken over; stopping after the page in flight",
          { key: this.#key },
        );
        this.#lost.abort(
          new LockedError(
            `Lost the run lock ${this.#key} while harvesting (it expired or another run took it): stopped without saving further; check that Redis keeps keys and that runs are not stalled longer than the lock TTL`,
          ),
        );
      }
    } catch (error) {
      if (this.#released) return;
      logger.warn("Could not renew run lock {key}: {reason}", {
        key: this.#key,
        reason: (error as Error).message,
      });
    }
  }
}
