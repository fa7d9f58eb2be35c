/**
 * The environment a CLI harvest run needs against the test doubles: the
 * simulator as the engage node, the loopback SQS and S3 fakes as AWS, a real
 * Redis, and private state and cache directories so no run touches `$HOME`.
 *
 * @module
 */

/** What to point the harvest at; leave a part out to leave its variables unset. */
export interface HarvestEnvOptions {
  /** The directory that holds `XDG_STATE_HOME` and `XDG_CACHE_HOME` (checkpoint, lock, SQLite cache). */
  readonly home: string;
  /** The simulator (or any engage node): `MATTERHORN_ENGAGE_HOST` and `OPENCAST_TIMEZONE`. */
  readonly engage?: { readonly url: string; readonly timezone?: string };
  /** `MATTERHORN_REST_USER`. */
  readonly user?: string;
  /** `MATTERHORN_REST_PASS`. */
  readonly password?: string;
  /** The SQS fake: `AWS_ENDPOINT_URL_SQS`. */
  readonly sqs?: { readonly url: string };
  /** The S3 fake: `AWS_ENDPOINT_URL_S3` with path-style addressing. */
  readonly s3?: { readonly url: string };
  /** `REDIS_URL`; unset means the embedded SQLite cache. */
  readonly redisUrl?: string;
  /** More variables, applied last. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * Builds the environment for `runCli` (which clears everything else).
 *
 * @example
 * ```ts
 * const env = harvestEnv({ home: dir, engage: sim, user: "u", password: "p", sqs, s3 });
 * await runCli(["harvest", "-q", "actions"], { env, cwd: dir });
 * ```
 */
export function harvestEnv(options: HarvestEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    XDG_STATE_HOME: `${options.home}/state`,
    XDG_CACHE_HOME: `${options.home}/cache`,
    // Credentials the fakes accept; the SDK would otherwise look for a profile.
    AWS_ACCESS_KEY_ID: "test",
    // Not "test": secrets are masked in every output, paths included.
    AWS_SECRET_ACCESS_KEY: "fake-secret-key",
    AWS_REGION: "us-east-1",
  };
  if (options.engage) {
    env.MATTERHORN_ENGAGE_HOST = options.engage.url;
    if (options.engage.timezone) {
      env.OPENCAST_TIMEZONE = options.engage.timezone;
    }
  }
  if (options.user !== undefined) env.MATTERHORN_REST_USER = options.user;
  if (options.password !== undefined) {
    env.MATTERHORN_REST_PASS = options.password;
  }
  if (options.sqs) env.AWS_ENDPOINT_URL_SQS = options.sqs.url;
  if (options.s3) {
    env.AWS_ENDPOINT_URL_S3 = options.s3.url;
    env.S3_FORCE_PATH_STYLE = "true";
  }
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  return { ...env, ...options.extra };
}
