/**
 * Reads a `redis://` or `rediss://` URL into what a connection needs. Pure.
 *
 * @module
 */
import { DEFAULT_REDIS_PORT } from "../config/defaults.ts";
import { ConfigError } from "../errors.ts";
import { redactUrl } from "../util/redact_url.ts";

/** Where a Redis server is and how to log in to it. */
export interface RedisAddress {
  /** Host name or IP address (an IPv6 address without its brackets). */
  readonly hostname: string;
  readonly port: number;
  /** Whether to speak TLS (`rediss://`). */
  readonly tls: boolean;
  /** The ACL user (Redis 6+), sent with the password. */
  readonly username?: string;
  /** Sent with `AUTH` when set. */
  readonly password?: string;
  /** The database to `SELECT` (0 needs no `SELECT`). */
  readonly db: number;
}

const DB_REGEXP = /^\d+$/;

/**
 * Parses `redis://[[user]:password@]host[:port][/db]` (or `rediss://`, or
 * the database as `?db=N`, as ioredis and redis-py read it). The user and
 * password are percent-decoded. `src/config/check_redis_url.ts` judges the
 * settings first, with messages naming the setting; this one guards the
 * connection itself.
 *
 * @example Usage
 * ```ts
 * parseRedisUrl("rediss://:s3cret@cache.example.edu/2");
 * // { hostname: "cache.example.edu", port: 6379, tls: true, password: "s3cret", db: 2 }
 * ```
 *
 * @throws {ConfigError} for anything it cannot connect with as written,
 * naming the URL without its password
 */
export function parseRedisUrl(url: string): RedisAddress {
  const fail = (what: string) =>
    new ConfigError(`Redis URL ${redactUrl(url)} ${what}`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/[^/]/i.exec(url)?.[1]
    ?.toLowerCase();
  if (scheme !== "redis" && scheme !== "rediss") {
    throw fail("is not a redis:// or rediss:// URL");
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail("is not a valid URL");
  }
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (hostname === "") throw fail("has no host");
  const port = parsed.port === "" ? DEFAULT_REDIS_PORT : Number(parsed.port);
  if (!(port >= 1 && port <= 65535)) {
    throw fail("has a port outside 1 to 65535");
  }
  const path = parsed.pathname.replace(/^\//, "");
  let db = path === "" ? undefined : path;
  for (const [name, value] of parsed.searchParams) {
    // What ioredis read from a query and this client does not is refused,
    // not ignored: a setting must not be silently dropped.
    if (name !== "db") {
      throw fail(
        `has the query parameter "${name}", which is not read: only db is`,
      );
    }
    db ??= value;
  }
  if (db !== undefined && !DB_REGEXP.test(db)) {
    throw fail("names a database that is not a number");
  }
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(parsed.username);
    password = decodeURIComponent(parsed.password);
  } catch {
    throw fail("has a user or password with a broken %-escape");
  }
  return {
    hostname,
    port,
    tls: scheme === "rediss",
    ...(username === "" ? {} : { username }),
    ...(password === "" ? {} : { password }),
    db: db === undefined ? 0 : Number(db),
  };
}
