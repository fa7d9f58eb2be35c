/**
 * A run lock in Redis, for harvests that share a checkpoint across nodes (an
 * S3 checkpoint): only the run holding the key may harvest. The key carries a
 * time to live that the holder keeps renewing, so a lock left by a crashed
 * run expires by itself.
 *
 * @module
 */

import {
  DEFAULT_LOCK_TTL_SECONDS,
  DEFAULT_REDIS_PORT,
  DEFAULT_REDIS_TIMEOUT_SECONDS,
} from "../config/defaults.ts";
import { getLogger } from "@logtape/logtape";
import type { RunLock } from "./run_lock.ts";
import {
  ApiContractError,
  AuthenticationError,
  ConfigError,
  LockedError,
  LockHeldError,
  UaHarvestError,
  UnreachableError,
} from "../errors.ts";
import { connectRedis } from "../redis/connect_redis.ts";
import type { RedisClient } from "../redis/redis_client.ts";
import { RedisReplyError } from "../redis/redis_reply.ts";
import { describeThisHolder } from "./lock_holder.ts";

const logger = getLogger(["ua-harvest", "lock"]);

/** Which Redis key to lock and for how long. */
export interface RedisRunLockOptions {
  /**
   * An already connected client (for instance shared with the episode
   * cache). The lock does not close a client it was given.
   * @default a new connection from `url`
   */
  readonly client?: RedisClient;
  /**
   * A `redis://[user:password@]host[:port][/db]` URL, used when there is no
   * `client`.
   * @default `redis://127.0.0.1:` + {@linkcode DEFAULT_REDIS_PORT}
   */
  readonly url?: string;
  /**
   * The key to hold, e.g. `ua-harvest:lock:<checkpoint description>`.
   */
  readonly key: string;
  /**
   * How long the lock outlives its holder if the holder dies.
   * @default {@linkcode DEFAULT_LOCK_TTL_SECONDS} seconds
   */
  readonly ttlMs?: number;
  /**
   * How often the holder pushes the expiry back while it runs. It is also
   * the safety margin: a run whose lock was not confirmed (renewed) by
   * `ttlMs - renewEveryMs` after the last confirmation counts the lock as
   * lost and stops, so it is never still harvesting when the key expires
   * and another run may take it.
   * @default ttlMs / 4
   */
  readonly renewEveryMs?: number;
  /**
   * The deadline of one renewal (and of the release): a Redis that does not
   * answer within it fails that renewal. Never more than `renewEveryMs`.
   * @default {@linkcode DEFAULT_REDIS_TIMEOUT_SECONDS} seconds
   */
  readonly renewTimeoutMs?: number;
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
  const ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_SECONDS * 1000;
  const renewEveryMs = options.renewEveryMs ?? Math.floor(ttlMs / 4);
  if (options.key === "") throw new ConfigError("The Redis lock key is empty");
  if (!Number.isInteger(ttlMs) || ttlMs < 1) {
    throw new ConfigError(
      `The Redis lock time to live must be a positive whole number of milliseconds, not ${ttlMs}`,
    );
  }
  // Renewing at least twice before the lock counts as lost.
  if (!(renewEveryMs >= 1 && renewEveryMs * 3 <= ttlMs)) {
    throw new ConfigError(
      `The Redis lock renewal interval must be between 1 and ${
        Math.floor(ttlMs / 3)
      } ms (a third of the time to live), not ${renewEveryMs}`,
    );
  }
  const renewTimeoutMs = Math.min(
    options.renewTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_SECONDS * 1000,
    renewEveryMs,
  );
  if (!(renewTimeoutMs > 0)) {
    throw new ConfigError(
      `The Redis lock renewal timeout must be more than 0 ms, not ${renewTimeoutMs}`,
    );
  }

  const owned = options.client === undefined;
  const client = options.client ?? await connectRedis({
    url: options.url ?? `redis://127.0.0.1:${DEFAULT_REDIS_PORT}`,
    connectTimeoutMs: options.connectTimeoutMs,
  });
  const server = client.description;

  // The value is both the holder's secret token (the scripts compare all of
  // it) and, for `ua-harvest status`, who holds the lock since when.
  const token = JSON.stringify({
    token: crypto.randomUUID(),
    ...describeThisHolder(),
  });
  let acquired: unknown;
  // The key expires ttlMs after Redis ran the SET, which is after we sent it:
  // counting from the send errs on the safe side.
  const sentAt = performance.now();
  const setting = client.send(["SET", options.key, token, "PX", ttlMs, "NX"]);
  // A renewal in the same write (no extra round trip): a Redis that cannot
  // run it (an ACL user without EVAL, a proxy without scripting) is refused
  // now, not when the first renewal fails and the run stops mid-way.
  const renewing = client.send([
    "EVAL",
    RENEW_SCRIPT,
    1,
    options.key,
    token,
    ttlMs,
  ]);
  renewing.catch(() => {});
  try {
    acquired = await setting;
  } catch (error) {
    if (owned) await client.close();
    throw acquireFailure(error, options.key, client);
  }
  if (acquired === "OK") {
    try {
      await renewing;
    } catch (error) {
      // Taken but neither renewable nor releasable: the next run must not
      // wait for it to expire.
      await client.send(["DEL", options.key]).catch(() => {});
      if (owned) await client.close();
      throw acquireFailure(error, options.key, client);
    }
  }
  if (acquired !== "OK") {
    let remainingMs: unknown = -1;
    try {
      remainingMs = await client.send(["PTTL", options.key]);
    } catch {
      // Only for the message; the lock is held either way.
    }
    if (owned) await client.close();
    const within = typeof remainingMs === "number" && remainingMs > 0
      ? Math.ceil(remainingMs / 1000)
      : Math.ceil(ttlMs / 1000);
    throw new LockHeldError(
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
    renewTimeoutMs,
    confirmedAt: sentAt,
  });
}

/**
 * The error of a SET that failed, saying what was being done and where: a
 * bare "READONLY You can't write against a read only replica" or "the
 * connection to Redis was lost" does not tell an operator it was the lock.
 * The class (and so the exit code) stays the cause's.
 */
function acquireFailure(
  error: unknown,
  key: string,
  client: RedisClient,
): unknown {
  if (!(error instanceof UaHarvestError)) return error;
  const server = client.description;
  if (error instanceof RedisReplyError && error.code === "NOPERM") {
    // An ACL user's permissions: a setting to fix, like a wrong password.
    const user = client.username ?? "default";
    return new AuthenticationError(
      `Redis user '${user}' at ${server} may not run what the run lock needs (${error.message}): allow SET, EVAL, PTTL and DEL for it (ACL SETUSER ${user} +set +eval +pttl +del)`,
      { cause: error },
    );
  }
  const message =
    `Cannot take the run lock ${key} in ${server}: ${error.message}`;
  if (error instanceof UnreachableError) {
    return new UnreachableError(message, { cause: error });
  }
  if (error instanceof ApiContractError) {
    return new ApiContractError(message, { cause: error });
  }
  return error;
}

interface LockTimes {
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  readonly renewTimeoutMs: number;
  /** When the SET that took the lock was sent (`performance.now()`). */
  readonly confirmedAt: number;
}

class RedisRunLock implements RunLock {
  readonly description: string;
  #client: RedisClient;
  #owned: boolean;
  #key: string;
  #token: string;
  #times: LockTimes;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #released = false;
  #lastFailure: string | undefined;
  #lost = new AbortController();
  readonly lost: AbortSignal = this.#lost.signal;

  constructor(
    client: RedisClient,
    owned: boolean,
    key: string,
    token: string,
    server: string,
    times: LockTimes,
  ) {
    this.#client = client;
    this.#owned = owned;
    this.#key = key;
    this.#token = token;
    this.#times = times;
    this.description = `redis:${key} (${server})`;
    this.#armWatchdog(times.confirmedAt);
    this.#scheduleRenewal(times.renewEveryMs);
    client.addEventListener("reconnect", this.#onReconnected);
  }

  /**
   * The connection came back after it dropped: a Redis restart may have lost
   * the key, and another run may take it at once. Check (renew) now rather
   * than at the next renewal, so this run stops within a reconnect of the
   * restart if its lock is gone.
   */
  #onReconnected = (): void => {
    if (this.#released || this.#lost.signal.aborted) return;
    logger.debug("Redis is back: checking run lock {key} now", {
      key: this.#key,
    });
    clearTimeout(this.#renewTimer);
    void this.#renew();
  };

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#stopTimers();
    try {
      if (!this.#lost.signal.aborted) {
        await this.#client.send(
          ["EVAL", RELEASE_SCRIPT, 1, this.#key, this.#token],
          { timeoutMs: this.#times.renewTimeoutMs },
        );
        logger.debug("Released run lock {key}", { key: this.#key });
      }
    } catch (error) {
      // The key expires by itself; the next run merely waits for it.
      logger.warn(
        "Could not release run lock {key}, it expires by itself: {reason}",
        { key: this.#key, reason: (error as Error).message },
      );
    } finally {
      if (this.#owned) await this.#client.quit();
    }
  }

  #stopTimers(): void {
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#watchdog);
    this.#client.removeEventListener("reconnect", this.#onReconnected);
  }

  /**
   * The lock counts as lost one renewal interval before the key would
   * expire, counted from the last confirmation: by then this run stops, so
   * it never harvests alongside a run that took the expired key.
   */
  #armWatchdog(confirmedAt: number): void {
    clearTimeout(this.#watchdog);
    const { ttlMs, renewEveryMs } = this.#times;
    const lostAt = confirmedAt + ttlMs - renewEveryMs;
    this.#watchdog = setTimeout(
      () => this.#lose("unconfirmed"),
      Math.max(0, lostAt - performance.now()),
    );
    // A forgotten lock must not keep the process alive.
    Deno.unrefTimer(this.#watchdog);
  }

  #scheduleRenewal(delayMs: number): void {
    if (this.#released || this.#lost.signal.aborted) return;
    // One chain of renewals, also when a reconnection renewed in between.
    clearTimeout(this.#renewTimer);
    this.#renewTimer = setTimeout(() => this.#renew(), delayMs);
    Deno.unrefTimer(this.#renewTimer);
  }

  #lose(why: "gone" | "unconfirmed"): void {
    if (this.#released || this.#lost.signal.aborted) return;
    this.#stopTimers();
    const key = this.#key;
    const message = why === "gone"
      ? `Lost the run lock ${key} while harvesting (it expired or another run took it): stopped without sending or saving more; check that Redis keeps keys and that runs are not stalled longer than the lock TTL`
      : `Could not renew the run lock ${key} in time (${
        this.#lastFailure ?? "Redis did not answer"
      }): stopped before it expires, without sending or saving more; check that Redis is up and answers within --redis-timeout`;
    // The run's one error line comes from the error; this marks the moment.
    logger.warn(
      "Run lock {key} lost: stopping, nothing more is sent or saved",
      {
        key,
      },
    );
    this.#lost.abort(new LockedError(message));
  }

  async #renew(): Promise<void> {
    const { ttlMs, renewEveryMs, renewTimeoutMs } = this.#times;
    const sentAt = performance.now();
    try {
      const renewed = await this.#client.send(
        ["EVAL", RENEW_SCRIPT, 1, this.#key, this.#token, ttlMs],
        { timeoutMs: renewTimeoutMs },
      );
      if (this.#released || this.#lost.signal.aborted) return;
      if (renewed !== 1) {
        this.#lose("gone");
        return;
      }
      this.#lastFailure = undefined;
      this.#armWatchdog(sentAt);
      this.#scheduleRenewal(renewEveryMs);
    } catch (error) {
      if (this.#released || this.#lost.signal.aborted) return;
      this.#lastFailure = (error as Error).message;
      logger.warn(
        "Could not renew run lock {key}: {reason}; the run stops if it cannot by {seconds} s after the last renewal",
        {
          key: this.#key,
          reason: this.#lastFailure,
          seconds: (ttlMs - renewEveryMs) / 1000,
        },
      );
      // Try again sooner than usual: the watchdog decides when it is too late.
      this.#scheduleRenewal(Math.max(1, Math.floor(renewEveryMs / 2)));
    }
  }
}
