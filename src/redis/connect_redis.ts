/**
 * Connects to Redis from the tool's settings and says plainly why it could
 * not: a malformed URL or a database Redis does not have (settings), a
 * refused password (credentials), or a server that cannot be reached or
 * does not answer (an outage the harvest rides out without Redis).
 *
 * @module
 */
import {
  DEFAULT_REDIS_PORT,
  DEFAULT_REDIS_TIMEOUT_SECONDS,
} from "../config/defaults.ts";
import {
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../errors.ts";
import { redactUrl } from "../util/redact_url.ts";
import { readCaCert } from "../tls/read_ca_cert.ts";
import {
  certificateProblem,
  describeCertificateError,
} from "../tls/describe_certificate_error.ts";
import { parseRedisUrl, type RedisAddress } from "./parse_redis_url.ts";
import { RedisClient } from "./redis_client.ts";
import { RedisReplyError } from "./redis_reply.ts";

/** Where Redis is and how long to wait for it. */
export interface ConnectRedisOptions {
  /**
   * A `redis://[[user]:password@]host[:port][/db]` (or `rediss://`) URL.
   * Wins over `host` and `port`.
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
   * How long to wait for the connection (and its login and first PING)
   * before giving up; also the bound of every reconnection attempt.
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long one command may take once connected.
   * @default {@linkcode DEFAULT_REDIS_TIMEOUT_SECONDS} seconds
   */
  readonly commandTimeoutMs?: number;
  /**
   * A PEM bundle of private CAs trusted in addition to the system's for
   * `rediss://` (`UA_HARVEST_CA_CERT`).
   * @default {undefined} the system's CAs only
   */
  readonly caCertPath?: string;
}

const CREDENTIALS_REGEXP =
  /^(WRONGPASS|NOAUTH|ERR invalid password|ERR invalid username-password)/;

/**
 * Connects to Redis and checks it answers PING. The caller owns the client:
 * `quit()` it when done. After a dropped connection the client reconnects
 * by itself for as long as it is open (see `RedisClient`).
 *
 * No message contains a password.
 *
 * @example Usage
 * ```ts ignore
 * await using client = await connectRedis({ url: Deno.env.get("REDIS_URL") });
 * await client.send(["GET", "ua-harvest:episode:mp-1"]);
 * ```
 *
 * @throws {ConfigError} for a malformed URL, a database the server does not
 * have, or a CA bundle that cannot be read
 * @throws {AuthenticationError} when Redis refuses the credentials (a
 * setting to fix, not an outage)
 * @throws {UnreachableError} when Redis cannot be reached or does not answer
 * within `connectTimeoutMs` (a TLS certificate it does not trust included)
 */
export async function connectRedis(
  options: ConnectRedisOptions = {},
): Promise<RedisClient> {
  const description = options.url !== undefined
    ? redactUrl(options.url)
    : `redis://${options.host ?? "127.0.0.1"}:${
      options.port ?? DEFAULT_REDIS_PORT
    }`;
  const address: RedisAddress = options.url !== undefined
    ? parseRedisUrl(options.url)
    : {
      hostname: options.host ?? "127.0.0.1",
      port: options.port ?? DEFAULT_REDIS_PORT,
      tls: false,
      db: 0,
    };
  const caCerts = address.tls && options.caCertPath !== undefined
    ? [readCaCert(options.caCertPath)]
    : [];
  try {
    return await RedisClient.connect({
      address,
      description,
      connectTimeoutMs: options.connectTimeoutMs ?? 2000,
      commandTimeoutMs: options.commandTimeoutMs ??
        DEFAULT_REDIS_TIMEOUT_SECONDS * 1000,
      caCerts,
    });
  } catch (error) {
    throw classifyConnectFailure(error, description, address.db);
  }
}

/** The error an operator reads for a connection that failed to open. */
function classifyConnectFailure(
  error: unknown,
  description: string,
  db: number,
): Error {
  const reason = (error as Error).message ?? String(error);
  if (error instanceof RedisReplyError) {
    // A wrong password is not an outage: falling back to no cache would
    // hide a setting someone must fix.
    if (CREDENTIALS_REGEXP.test(reason)) {
      return new AuthenticationError(
        `Redis at ${description} refused the credentials (${reason}); check the password in REDIS_URL`,
        { cause: error },
      );
    }
    if (/DB index is out of range/i.test(reason)) {
      return new ConfigError(
        `Redis at ${description} has no database ${db} (${reason}); check the database number in REDIS_URL`,
        { cause: error },
      );
    }
  }
  const certificate = certificateProblem(error);
  if (certificate !== undefined) {
    return new UnreachableError(
      describeCertificateError(`Redis at ${description}`, certificate),
      { cause: error },
    );
  }
  return new UnreachableError(
    `Redis at ${description} is unreachable (${reason}); check REDIS_URL and that Redis is running`,
    { cause: error },
  );
}
