/**
 * Opens an ioredis connection that fails fast: the episode cache and the run
 * lock both need to know up front whether Redis answers, and neither may let
 * ioredis retry forever or print errors on its own.
 *
 * @module
 */

import {
  DEFAULT_REDIS_PORT,
  DEFAULT_REDIS_TIMEOUT_SECONDS,
} from "../config/defaults.ts";
import { Redis } from "ioredis";
import { getLogger } from "@logtape/logtape";
import {
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../errors.ts";
import { redactUrl } from "../util/redact_url.ts";

const logger = getLogger(["ua-harvest", "redis"]);

/** Where Redis is and how long to wait for it. */
export interface RedisConnectionOptions {
  /**
   * A `redis://[user:password@]host[:port][/db]` (or `rediss://`) URL. Wins
   * over `host` and `port`.
   */
  readonly url?: string;
  /**
   * The Redis host, used when there is no `url`.
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /**
   * The Redis port, used when there is no `url`.
   * @default {@linkcode DEFAULT_REDIS_PORT}
   */
  readonly port?: number;
  /**
   * How long to wait for the connection (and its first PING) before giving up.
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long one command may take once connected.
   * @default {@linkcode DEFAULT_REDIS_TIMEOUT_SECONDS} seconds
   */
  readonly commandTimeoutMs?: number;
}

/** An open Redis connection and a secret-free name for it. */
export interface RedisConnection {
  /** The connected client. The caller owns it: `quit()` it when done. */
  readonly client: Redis;
  /** The URL with any password replaced by `***`, for logs and messages. */
  readonly description: string;
}

// After a connection was established, a dropped connection is tried again
// every second at most, for as long as the client is open: the run lock must
// find out whether its key survived (a Redis restart), so a run never goes on
// without the lock unnoticed. Commands meanwhile fail after one attempt
// (maxRetriesPerRequest), so the cache gives up on Redis instead of waiting.
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Connects to Redis and checks it answers PING.
 *
 * Throws {@linkcode ConfigError} for a malformed URL,
 * {@linkcode AuthenticationError} when Redis refuses the password, and
 * {@linkcode UnreachableError} when Redis does not answer within
 * `connectTimeoutMs`. No message contains a password.
 *
 * @example
 * ```ts
 * const { client, description } = await connectRedis({ url: Deno.env.get("REDIS_URL") });
 * ```
 */
export async function connectRedis(
  options: RedisConnectionOptions = {},
): Promise<RedisConnection> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  const commandTimeoutMs = options.commandTimeoutMs ??
    DEFAULT_REDIS_TIMEOUT_SECONDS * 1000;
  const description = describeRedis(options);
  if (options.url !== undefined && !/^rediss?:\/\/[^/]/i.test(options.url)) {
    throw new ConfigError(
      `Redis URL ${description} is not a redis:// or rediss:// URL`,
    );
  }
  const common = {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times: number) =>
      Math.min(times * 200, MAX_RECONNECT_DELAY_MS),
  };
  const client = options.url !== undefined
    ? new Redis(options.url, common)
    : new Redis({
      ...common,
      host: options.host ?? "127.0.0.1",
      port: options.port ?? DEFAULT_REDIS_PORT,
    });
  let lastError: Error | undefined;
  // Without a listener ioredis prints every connection error to stderr.
  client.on("error", (error: Error) => {
    lastError = error;
    logger.debug("Redis connection error at {redis}: {reason}", {
      redis: description,
      reason: error.message,
    });
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${connectTimeoutMs} ms`)),
      connectTimeoutMs,
    );
  });
  try {
    const attempt = client.connect().then(() => client.ping());
    // Losing the race still settles `attempt` later (disconnect rejects it).
    attempt.catch(() => {});
    await Promise.race([attempt, deadline]);
  } catch (error) {
    client.disconnect();
    const reason = lastError?.message ?? (error as Error).message;
    // A wrong password is not an outage: falling back to no cache would hide
    // a setting someone must fix.
    if (/^(WRONGPASS|NOAUTH|ERR invalid password)/.test(reason)) {
      throw new AuthenticationError(
        `Redis at ${description} refused the credentials (${reason}); check the password in REDIS_URL`,
        { cause: lastError ?? error },
      );
    }
    throw new UnreachableError(
      `Redis at ${description} is unreachable (${reason}); check REDIS_URL and that Redis is running`,
      { cause: lastError ?? error },
    );
  } finally {
    clearTimeout(timer);
  }
  return { client, description };
}

/** Names the Redis server of some options, with the password replaced by `***`. */
function describeRedis(options: RedisConnectionOptions): string {
  if (options.url !== undefined) return redactUrl(options.url);
  return `redis://${options.host ?? "127.0.0.1"}:${
    options.port ?? DEFAULT_REDIS_PORT
  }`;
}
