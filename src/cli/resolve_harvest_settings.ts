import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import type {
  HarvestSettings,
  OutputSettings,
} from "../harvest/harvest_settings.ts";
import { defaultCacheDir } from "../cache/default_cache_dir.ts";
import { parseTimeZone } from "../opencast/opencast_time.ts";
import {
  parseWindowFlag,
  resolveWindow,
  type WindowFlag,
} from "../harvest/resolve_window.ts";
import { parseMaxSpan } from "../harvest/check_span.ts";
import { echoValue } from "../util/echo_value.ts";
import { matomoApiUrl } from "../source/matomo/matomo_base_url.ts";
import type { MatomoSourceSettings } from "../source/matomo/open_matomo_source.ts";
import { type RawStateSettings, stateSettings } from "./_state_settings.ts";
import {
  awsSettingsFromEnv,
  elasticsearchSettingsFromEnv,
  opencastSettings,
  secondsToMs,
} from "./_settings.ts";

/**
 * The `harvest` flags the settings are resolved from, as commander parses
 * them (env-bound ones included). Declared here, not derived from the
 * command, so the command depends on this resolver and not both ways; the
 * command's action passes its parsed options, which the compiler checks
 * against this shape.
 */
export interface HarvestFlags extends RawStateSettings {
  readonly source: "opencast" | "matomo";
  readonly matomoUrl?: string;
  /** Set when someone tried `--matomo-token-auth`: refused, never read. */
  readonly matomoTokenAuth?: boolean;
  readonly matomoSiteId: number;
  readonly matomoEpisodeDimension?: string;
  readonly matomoOverlap: number;
  readonly matomoMaxAttempts: number;
  readonly matomoTimeout: number;
  readonly start?: string;
  readonly end?: string;
  readonly wait: number;
  readonly opencastApi: "auto" | "dce" | "upstream";
  readonly engage_host?: string;
  readonly user?: string;
  readonly password?: string;
  readonly auth: "digest" | "basic";
  readonly timeout: number;
  readonly maxAttempts: number;
  readonly output?: string;
  readonly queueName?: string;
  readonly batchSize: number;
  readonly interval: number;
  readonly disableStartEndSpanCheck?: boolean;
  readonly maxSpan?: string;
  readonly catchUp?: boolean;
  readonly serverTimezone?: string;
  readonly updateLastTs?: boolean;
  readonly dryRun?: boolean;
  readonly cacheFile?: string;
  readonly cacheTtl: number;
  readonly missingEpisodeTtl: number;
  readonly pagesInFlight: number;
  readonly episodeConcurrency: number;
  readonly sqsMaxPayload: number;
  readonly fifoGroupBy: "mpid" | "session_id" | "huid" | "none";
  readonly es_host?: string;
  readonly esIndexPrefix: string;
  readonly esTimeout: number;
  readonly s3Timeout: number;
  readonly sqsTimeout: number;
  readonly redisTimeout: number;
  readonly lockTtl: number;
  readonly progress?: boolean;
  readonly caCert?: string;
}
import { redactUrl } from "../util/redact_url.ts";

/**
 * Everything the harvest's settings depend on, gathered by the command's
 * action (the only place that reads the process, the clock or the terminal).
 */
export interface HarvestSettingsInput {
  /**
   * The parsed flags. Commander has already applied the environment to the
   * options bound to a variable (flag > environment > default), after
   * `main.ts` put `.env` values into the environment for unset variables.
   */
  readonly options: HarvestFlags;
  /**
   * The environment, `.env` applied, for the settings that have no flag
   * (AWS, Redis host and port, Elasticsearch credentials, XDG directories).
   */
  readonly env: Readonly<Record<string, string>>;
  /** Now: the window flags are judged against it (an end in the future fails). */
  readonly now: Temporal.Instant;
  /** This machine's time zone, the server's when `--server-timezone` is unset. */
  readonly localTimeZone: string;
  /** Whether stderr is a terminal: the progress line's default. */
  readonly stderrIsTerminal: boolean;
}

/**
 * Turns the flags, the environment, the clock and the terminal into
 * validated harvest settings. Pure: no I/O, no clock or process reads, so a
 * mistyped or reversed window, a missing queue or a bad zone fails with a
 * {@linkcode ConfigError} before anything is opened.
 *
 * @example
 * ```ts
 * const settings = resolveHarvestSettings({
 *   options: command.opts(),
 *   env: Deno.env.toObject(),
 *   now: Temporal.Now.instant(),
 *   localTimeZone: Temporal.Now.timeZoneId(),
 *   stderrIsTerminal: Deno.stderr.isTerminal(),
 * });
 * ```
 */
export function resolveHarvestSettings(
  input: HarvestSettingsInput,
): HarvestSettings {
  const { options, env } = input;
  const output = outputSettings(options, env);
  const { checkpoint, lockFile, redisUrl } = stateSettings(options, env);
  const updateLastTs = options.updateLastTs;
  const zone = parseTimeZone(options.serverTimezone ?? input.localTimeZone, {
    setting: options.serverTimezone === undefined
      ? "this machine's time zone (set --server-timezone)"
      : "--server-timezone (OPENCAST_TIMEZONE)",
  });
  const { start, end } = windowFlags(options, zone, input.now);
  const source = options.source;
  // Matomo's records get episode metadata only when an engage node is set.
  const engage = source === "opencast" || options.engage_host !== undefined
    ? opencastSettings({
      host: options.engage_host,
      hostSetting: "MATTERHORN_ENGAGE_HOST (or --engage_host)",
      user: options.user,
      password: options.password,
      auth: options.auth,
      timeoutSeconds: options.timeout,
      maxAttempts: options.maxAttempts,
      caCertPath: options.caCert,
    })
    : undefined;
  return {
    source,
    ...(engage === undefined ? {} : { engage }),
    ...(source === "matomo" ? { matomo: matomoSettings(options, env) } : {}),
    start,
    end,
    waitSeconds: options.wait,
    batchSize: options.batchSize,
    pagesInFlight: options.pagesInFlight,
    intervalMinutes: options.interval,
    zone,
    maxSpanSeconds: parseMaxSpan(options.maxSpan),
    spanCheck: !options.disableStartEndSpanCheck,
    catchUp: options.catchUp ?? false,
    output,
    checkpoint,
    cache: redisUrl
      ? {
        kind: "redis",
        url: redisUrl,
        ...(options.caCert === undefined ? {} : { caCertPath: options.caCert }),
      }
      : {
        kind: "sqlite",
        path: options.cacheFile ??
          join(defaultCacheDir(env), "episodes.sqlite"),
      },
    updateCheckpoint: updateLastTs === true
      ? "always"
      : updateLastTs === false
      ? "never"
      : "auto",
    dryRun: options.dryRun ?? false,
    episodeConcurrency: options.episodeConcurrency,
    episodeTtlSeconds: options.cacheTtl,
    missingEpisodeTtlSeconds: options.missingEpisodeTtl,
    aws: awsSettingsFromEnv(env, options.caCert),
    lockTtlSeconds: options.lockTtl,
    deadlines: {
      s3Ms: secondsToMs(options.s3Timeout),
      sqsMs: secondsToMs(options.sqsTimeout),
      redisMs: secondsToMs(options.redisTimeout),
    },
    lockFile,
    progress: options.progress ?? input.stderrIsTerminal,
    opencastApi: options.opencastApi,
  };
}

/**
 * Matomo's settings (`--source matomo`): the URL checked, the token only
 * from the environment or `.env` (never a flag: it would show in `ps` and
 * the shell's history), the episode dimension as given.
 */
function matomoSettings(
  options: HarvestFlags,
  env: Readonly<Record<string, string>>,
): MatomoSourceSettings {
  if (options.matomoTokenAuth !== undefined) {
    // The value is never repeated: it may be the token.
    throw new ConfigError(
      "--matomo-token-auth is not accepted: set MATOMO_TOKEN_AUTH in the environment or .env instead (a token on the command line shows in ps and the shell's history)",
    );
  }
  const url = options.matomoUrl?.trim();
  if (!url) {
    throw new ConfigError(
      "--source matomo needs Matomo's URL: set MATOMO_URL (or --matomo-url) to its base URL, e.g. https://matomo.example.edu/",
    );
  }
  matomoApiUrl(url);
  const tokenAuth = env.MATOMO_TOKEN_AUTH?.trim();
  if (!tokenAuth) {
    throw new ConfigError(
      "--source matomo needs a token: set MATOMO_TOKEN_AUTH in the environment or .env to a Matomo token with view access to the site",
    );
  }
  const dimension = options.matomoEpisodeDimension?.trim();
  return {
    url,
    tokenAuth,
    siteId: options.matomoSiteId,
    ...(dimension ? { episodeDimension: dimension } : {}),
    overlapMinutes: options.matomoOverlap,
    timeoutMs: secondsToMs(options.matomoTimeout),
    maxAttempts: options.matomoMaxAttempts,
    ...(options.caCert === undefined ? {} : { caCertPath: options.caCert }),
  };
}

function outputSettings(
  options: HarvestFlags,
  env: Readonly<Record<string, string>>,
): OutputSettings {
  const queue = options.queueName;
  if (
    queue !== undefined && queue.trim() === "" &&
    (options.output ?? "sqs") === "sqs"
  ) {
    // Like an empty bucket: an empty line in .env must not silently send
    // every record to stdout instead.
    throw new ConfigError(
      "SQS_QUEUE_NAME (or --queue-name) is empty: set a queue name or URL, or - for stdout (or remove the setting)",
    );
  }
  const raw = options.output ?? (queue && queue !== "-" ? "sqs" : "-");
  if (raw === "-" || raw === "stdout") return { kind: "stdout" };
  if (raw.startsWith("file:") && raw.length > 5) {
    return { kind: "file", path: raw.slice(5) };
  }
  if (raw === "sqs") {
    if (!queue || queue === "-") {
      throw new ConfigError(
        "--output sqs needs a queue: set SQS_QUEUE_NAME or pass --queue-name",
      );
    }
    return {
      kind: "sqs",
      queue,
      maxPayloadBytes: options.sqsMaxPayload,
      fifoGroupBy: options.fifoGroupBy,
    };
  }
  if (raw === "es") {
    return {
      kind: "es",
      elasticsearch: elasticsearchSettingsFromEnv(
        options.es_host,
        env,
        options.esTimeout,
        options.caCert,
      ),
      indexPrefix: options.esIndexPrefix,
    };
  }
  throw new ConfigError(
    `Unknown --output "${
      echoValue(redactUrl(raw))
    }": use sqs, - (stdout), file:PATH or es`,
  );
}

/**
 * Resolves `--start` and `--end` once, and judges what does not depend on
 * the checkpoint now, before anything is opened: a mistyped or reversed
 * window must not create a bucket, take the lock or reach Opencast (the run
 * resolves the window again with the checkpoint, from these instants).
 */
function windowFlags(
  options: HarvestFlags,
  zone: string,
  now: Temporal.Instant,
): { start?: WindowFlag; end?: WindowFlag } {
  // The end first, so a window of just a bad --end names --end.
  const end = options.end === undefined
    ? undefined
    : parseWindowFlag(options.end, zone, "--end");
  const start = options.start === undefined
    ? undefined
    : parseWindowFlag(options.start, zone, "--start");
  if (start === undefined && end === undefined) return {};
  // Without --start, a window of just --end still gets the "in the future"
  // check (the end is checked first, so the messages name --end).
  resolveWindow({
    start: start ?? end,
    end,
    now,
    zone,
    intervalMinutes: options.interval,
  });
  return { start, end };
}
