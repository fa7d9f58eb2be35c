/**
 * Checks a Redis URL before anything is fetched: a client that reads what it
 * can of a bad one and carries on (ioredis took `redis://host:notaport/0` to
 * port 6379, `/999` to database 0) lets a run go on without its cache or,
 * with a shared checkpoint, without the lock between machines.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";
import { redactUrl } from "../util/redact_url.ts";

/** Options for {@linkcode checkRedisUrl}. */
export interface CheckRedisUrlOptions {
  /** How to name the setting in a message. @default "REDIS_URL (or --redis-url)" */
  readonly setting?: string;
  /**
   * The highest database number accepted: Redis has 16 (0 to 15) unless
   * its `databases` setting says otherwise.
   *
   * @default 15
   */
  readonly maxDatabase?: number;
}

/**
 * Accepts `redis://` or `rediss://` URLs with a host, a port from 1 to 65535
 * when one is given, and a database number from 0 to `maxDatabase` when a
 * path (or a `?db=` query, as ioredis and redis-py read it) is given, and no
 * other query parameter (the client would not read it); returns the URL as
 * given.
 *
 * @example Usage
 * ```ts
 * checkRedisUrl("redis://cache.example.edu:6379/2"); // returned as is
 * ```
 *
 * @throws {ConfigError} naming the setting, what is wrong and the value
 * without its password
 */
export function checkRedisUrl(
  url: string,
  options: CheckRedisUrlOptions = {},
): string {
  const { setting = "REDIS_URL (or --redis-url)", maxDatabase = 15 } = options;
  const fail = (what: string) =>
    new ConfigError(
      `${setting} ${what}: current value is "${echoValue(redactUrl(url))}"`,
    );
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== "redis" && scheme !== "rediss") {
    throw fail(
      "must be a redis:// or rediss:// URL like redis://host:6379/0",
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The WHATWG parser refuses a port that is not a number up to 65535.
    throw fail(
      "is not a valid URL (a port must be a number from 1 to 65535)",
    );
  }
  if (parsed.hostname === "") throw fail("has no host");
  if (parsed.port !== "" && Number(parsed.port) < 1) {
    throw fail("has a port outside 1 to 65535");
  }
  if (parsed.hash !== "") throw fail("has a fragment (#)");
  // The client decodes them before AUTH: refused here, not once the run has
  // started.
  try {
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch {
    throw fail(
      "has a user or password with a broken %-escape (write % as %25)",
    );
  }
  for (const name of parsed.searchParams.keys()) {
    if (name !== "db") {
      throw fail(
        `has the query parameter "${
          echoValue(name, 20)
        }", which is not read: give the database as the path, like redis://host:6379/2`,
      );
    }
  }
  // The path as the client reads it (not %-decoded): /%31 is no database.
  const path = parsed.pathname;
  const db = path !== "" && path !== "/"
    ? path.slice(1)
    : parsed.searchParams.get("db") ?? undefined;
  if (db !== undefined) {
    if (!/^\d+$/.test(db) || Number(db) > maxDatabase) {
      throw fail(
        `names database "${
          echoValue(db, 20)
        }": the path must be a database number from 0 to ${maxDatabase}`,
      );
    }
  }
  return url;
}
