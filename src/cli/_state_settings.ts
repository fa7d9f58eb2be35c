/**
 * Where a deployment keeps its state (checkpoint, lock, last-run record):
 * resolved once here from the same flags and variables for `harvest`,
 * `load_episodes` and `status`, so they always agree.
 *
 * @module
 */
import { DEFAULT_REDIS_PORT } from "../config/defaults.ts";
import { echoValue } from "../util/echo_value.ts";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import type { StateSettings } from "../config/settings.ts";
import { checkRedisUrl } from "../config/check_redis_url.ts";
import { checkS3Location } from "../checkpoint/check_s3_location.ts";
import { defaultStateDir } from "../checkpoint/default_state_dir.ts";

/** Raw state values from flags or the environment. */
export interface RawStateSettings {
  readonly stateFile?: string;
  readonly s3Bucket?: string;
  readonly s3Key?: string;
  readonly redisUrl?: string;
}

/** Validates the state settings (no I/O). */
export function stateSettings(
  raw: RawStateSettings,
  env: Record<string, string>,
): StateSettings {
  const { s3Bucket, s3Key } = raw;
  if ((s3Bucket === undefined) !== (s3Key === undefined)) {
    throw new ConfigError(
      "S3 checkpoint needs both S3_HARVEST_TS_BUCKET and S3_LAST_ACTION_TS_KEY (or --s3-bucket and --s3-key): only one is set",
    );
  }
  const redisUrl = raw.redisUrl === undefined
    ? redisUrlFromHostPort(env)
    : checkRedisUrl(raw.redisUrl);
  const stateFile = raw.stateFile ??
    join(defaultStateDir(env), "checkpoint.json");
  const s3 = s3Bucket !== undefined && s3Key !== undefined;
  // Here, not when the store opens: a settings error ends the run before
  // anything runs (no last-run record for a run that never started).
  if (s3) checkS3Location(s3Bucket, s3Key);
  if (s3 && raw.stateFile !== undefined) {
    // Which one wins would be a guess: the file would be silently ignored.
    throw new ConfigError(
      "Both a local checkpoint file (--state-file or UA_HARVEST_STATE_FILE) and an S3 checkpoint (S3_HARVEST_TS_BUCKET and S3_LAST_ACTION_TS_KEY, or --s3-bucket and --s3-key) are set: drop --state-file to keep the S3 checkpoint, or unset the S3 bucket and key to use the file",
    );
  }
  return {
    checkpoint: s3
      ? { kind: "s3", bucket: s3Bucket, key: s3Key }
      : { kind: "file", path: stateFile },
    lockFile: s3
      ? join(
        defaultStateDir(env),
        `s3-${`${s3Bucket}-${s3Key}`.replace(/[^A-Za-z0-9._-]+/g, "_")}.lock`,
      )
      : `${stateFile}.lock`,
    ...(redisUrl ? { redisUrl } : {}),
  };
}

function redisUrlFromHostPort(env: Record<string, string>): string | undefined {
  const host = env.REDIS_HOST;
  if (!host) return undefined;
  const port = env.REDIS_PORT ?? String(DEFAULT_REDIS_PORT);
  if (
    !/^\d{1,5}$/.test(port) || !(Number(port) >= 1 && Number(port) <= 65535)
  ) {
    throw new ConfigError(
      `REDIS_PORT must be a port number from 1 to 65535: current value is "${
        echoValue(port)
      }"`,
    );
  }
  return checkRedisUrl(`redis://${host}:${port}`, {
    setting: "REDIS_HOST",
  });
}
