import type { ReadStatusOptions } from "../status/read_status.ts";
import { parseTimeZone } from "../opencast/opencast_time.ts";
import { awsSettingsFromEnv } from "./_settings.ts";
import { type RawStateSettings, stateSettings } from "./_state_settings.ts";

/**
 * The `status` flags its settings are resolved from (see `HarvestFlags` for
 * why they are declared here).
 */
export interface StatusFlags extends RawStateSettings {
  readonly serverTimezone?: string;
  readonly caCert?: string;
}

/** Everything `status`'s settings depend on, gathered by its action. */
export interface StatusSettingsInput {
  /** The parsed flags, env-bound ones included (see `HarvestSettingsInput`). */
  readonly options: StatusFlags;
  /** The environment, `.env` applied (AWS, Redis host and port, XDG directories). */
  readonly env: Readonly<Record<string, string>>;
  /** This machine's time zone, the server's when `--server-timezone` is unset. */
  readonly localTimeZone: string;
}

/**
 * Where `status` reads the state from, resolved from the same flags and
 * variables as `harvest`'s so both always agree. Pure: bad settings are a
 * `ConfigError` (UNKNOWN to a monitoring check) before anything is read.
 */
export function resolveStatusSettings(
  input: StatusSettingsInput,
): Omit<ReadStatusOptions, "now" | "redisTimeoutMs"> {
  const { options, env } = input;
  return {
    state: stateSettings(options, env),
    aws: awsSettingsFromEnv(env, options.caCert),
    zone: parseTimeZone(options.serverTimezone ?? input.localTimeZone),
    ...(options.caCert === undefined ? {} : { caCertPath: options.caCert }),
  };
}
