import { Command, Option } from "@commander-js/extra-typings";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import type {
  HarvestSettings,
  OutputSettings,
} from "../harvest/harvest_settings.ts";
import { runHarvest } from "../harvest/run_harvest.ts";
import { defaultStateDir } from "../checkpoint/default_state_dir.ts";
import { defaultCacheDir } from "../cache/default_cache_dir.ts";
import {
  parseTimeZone,
  parseUserTimestamp,
} from "../opencast/opencast_time.ts";
import { resolveWindow } from "../harvest/resolve_window.ts";
import { parseMaxSpan } from "../harvest/check_span.ts";
import { integerParser } from "./_parsers.ts";
import {
  envFileOption,
  logFormatOption,
  logLevelOption,
  opencastApiOption,
  opencastAuthOption,
  opencastMaxAttemptsOption,
  opencastPasswordOption,
  opencastTimeoutOption,
  opencastUserOption,
  waitOption,
} from "./common_options.ts";
import {
  awsSettingsFromEnv,
  elasticsearchSettingsFromEnv,
  opencastSettings,
} from "./_settings.ts";
import type { CommandContext } from "./command_context.ts";

const EXIT_CODE_HELP = `
Exit codes:
  0    done: every action of the window was delivered (or there were none)
  1    unexpected failure
  2    bad flags or settings (nothing was fetched or sent)
  3    authentication failed (Opencast, AWS, Redis or Elasticsearch)
  4    a service was unreachable after retries
  5    a service answered something unusable
  6    the window is longer than MAX_START_END_SPAN (see --catch-up)
  7    some records were not accepted downstream (the checkpoint did not move past them)
  8    another harvest holds the lock
  9    the engage node has no usertracking (plugin off, or removed from this Opencast)
  130  stopped by SIGINT, 143 stopped by SIGTERM (the checkpoint was saved)

Examples:
  ua-harvest harvest                          # cron: continue from the checkpoint
  ua-harvest harvest --output - -s 20240301100000 -e 20240301100100  # a look at one minute (the checkpoint stays)
  ua-harvest harvest -s 20240101000000 -e 20240102000000 --output file:jan1.jsonl
  ua-harvest harvest --catch-up               # fell behind: harvest in MAX_START_END_SPAN steps`;

/** Declares the `harvest` command: flags bound to the original's settings. */
export function harvestCommand(context: CommandContext) {
  return new Command("harvest")
    .description(
      "Fetch user actions from the engage node in a time window, add episode metadata, " +
        "deliver the records (SQS, stdout, a file or Elasticsearch) and save where it stopped.",
    )
    .addOption(
      new Option(
        "-s, --start <timestamp>",
        "window start: YYYYMMDDHHmmss (server zone) or ISO 8601 (default: the checkpoint, else now minus --interval)",
      ),
    )
    .addOption(
      new Option(
        "-e, --end <timestamp>",
        "window end, same formats (default: now); -e means --es_host in load_episodes and setup (short flags kept from the Python tool)",
      ),
    )
    .addOption(waitOption())
    .addOption(opencastApiOption())
    .addOption(
      new Option(
        "-H, --engage_host <host>",
        "engage node: host, host:port or URL; load_episodes spells it -E (short flags kept from the Python tool)",
      ).env("MATTERHORN_ENGAGE_HOST"),
    )
    .addOption(opencastUserOption())
    .addOption(opencastPasswordOption())
    .addOption(opencastAuthOption())
    .addOption(
      new Option(
        "-o, --output <output>",
        "sqs, - (stdout, JSON lines), file:PATH (JSON lines appended) or es (default: sqs when a queue is set, else -)",
      ),
    )
    .addOption(
      new Option(
        "-q, --queue-name <queue>",
        "SQS queue name or URL (created when missing); - means stdout",
      ).env("SQS_QUEUE_NAME"),
    )
    .addOption(
      new Option("-b, --batch-size <n>", "actions per page").default(1000)
        .argParser(integerParser({ min: 1, max: 100_000 })),
    )
    .addOption(
      new Option(
        "-i, --interval <minutes>",
        "with no --start and no checkpoint, harvest this many minutes back; -i means --es_index in load_episodes and setup (short flags kept from the Python tool)",
      ).env("DEFAULT_INTERVAL").default(2)
        .argParser(integerParser({ min: 1, max: 525_600 })),
    )
    .addOption(
      new Option(
        "--disable-start-end-span-check",
        "harvest a window longer than MAX_START_END_SPAN in one go",
      ),
    )
    .addOption(
      new Option(
        "--max-span <seconds>",
        "longest window harvested without --catch-up or the flag above (unset: no limit)",
      ).env("MAX_START_END_SPAN"),
    )
    .addOption(
      new Option(
        "--catch-up",
        "harvest a window longer than the max span as consecutive sub-windows, saving after each",
      ),
    )
    .addOption(
      new Option(
        "--server-timezone <zone>",
        "Opencast server time zone (IANA name or offset) for YYYYMMDDHHmmss values (default: this machine's)",
      ).env("OPENCAST_TIMEZONE"),
    )
    .addOption(
      new Option(
        "--update-last-ts",
        "move the checkpoint even though --start was given",
      ),
    )
    .addOption(
      new Option(
        "--no-update-last-ts",
        "never move the checkpoint in this run",
      ),
    )
    .addOption(
      new Option(
        "--dry-run",
        "fetch and build records, report what would be sent and saved, send and save nothing",
      ),
    )
    .addOption(
      new Option(
        "--state-file <path>",
        "local checkpoint file when no S3 bucket/key is set (default: $XDG_STATE_HOME/ua-harvest/checkpoint.json)",
      ).env("UA_HARVEST_STATE_FILE"),
    )
    .addOption(
      new Option(
        "--s3-bucket <bucket>",
        "S3 bucket of the checkpoint (created when missing)",
      ).env("S3_HARVEST_TS_BUCKET"),
    )
    .addOption(
      new Option("--s3-key <key>", "S3 key of the checkpoint").env(
        "S3_LAST_ACTION_TS_KEY",
      ),
    )
    .addOption(
      new Option(
        "--redis-url <url>",
        "Redis for the episode cache and the lock (default: REDIS_HOST/REDIS_PORT, else the embedded cache)",
      ).env("REDIS_URL"),
    )
    .addOption(
      new Option(
        "--cache-file <path>",
        "embedded episode cache file (default: $XDG_CACHE_HOME/ua-harvest/episodes.sqlite)",
      ).env("UA_HARVEST_CACHE_FILE"),
    )
    .addOption(
      new Option(
        "--cache-ttl <seconds>",
        "how long a fetched episode is cached",
      ).env("EPISODE_CACHE_EXPIRE").default(1800).argParser(
        integerParser({ min: 0 }),
      ),
    )
    .addOption(
      new Option(
        "--missing-episode-ttl <seconds>",
        "how long 'no such episode' is cached",
      ).env("EPISODE_MISSING_CACHE_EXPIRE").default(300)
        .argParser(integerParser({ min: 0 })),
    )
    .addOption(
      new Option("--episode-concurrency <n>", "episode lookups in parallel")
        .env("EPISODE_CONCURRENCY").default(4).argParser(
          integerParser({ min: 1, max: 64 }),
        ),
    )
    .addOption(
      new Option(
        "--sqs-max-payload <bytes>",
        "SQS batch payload limit (up to 1 MiB for queues configured for it)",
      ).env("SQS_MAX_PAYLOAD").default(262_144)
        .argParser(integerParser({ min: 1024, max: 1_048_576 })),
    )
    .addOption(
      new Option("--fifo-group-by <field>", "MessageGroupId of a FIFO queue")
        .env("SQS_FIFO_GROUP_BY").choices(
          ["mpid", "session_id", "huid", "none"] as const,
        )
        .default("mpid" as const),
    )
    .addOption(
      new Option(
        "--es-host <host>",
        "Elasticsearch for --output es: host:port or URL",
      ).env("ELASTICSEARCH_HOST"),
    )
    .addOption(
      new Option(
        "--es-index-prefix <prefix>",
        "daily action index prefix for --output es",
      ).env("ES_ACTION_INDEX_PREFIX").default("useractions-"),
    )
    .addOption(opencastTimeoutOption())
    .addOption(opencastMaxAttemptsOption())
    .addOption(
      new Option(
        "--lock-ttl <seconds>",
        "how long the Redis run lock outlives a run that died (renewed every third of it while running)",
      ).env("UA_HARVEST_LOCK_TTL").default(60).argParser(
        integerParser({ min: 3, max: 3600 }),
      ),
    )
    .addOption(
      new Option(
        "--progress",
        "show a live progress line (default: when stderr is a terminal)",
      ),
    )
    .addOption(new Option("--no-progress", "never show the progress line"))
    .addOption(envFileOption())
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .addHelpText("after", EXIT_CODE_HELP)
    .action(async (options) => {
      const settings = harvestSettings(options, Deno.env.toObject());
      const result = await runHarvest(settings, {
        signal: context.signal,
        version: context.version,
      });
      context.exitCode = result.exitCode;
    });
}

type HarvestOptions = ReturnType<ReturnType<typeof harvestCommand>["opts"]>;

/** Turns parsed flags and the environment into validated settings (no I/O). */
export function harvestSettings(
  options: HarvestOptions,
  env: Record<string, string>,
): HarvestSettings {
  const queue = options.queueName;
  const output = outputSettings(options, env);
  const s3Bucket = options.s3Bucket;
  const s3Key = options.s3Key;
  if ((s3Bucket === undefined) !== (s3Key === undefined)) {
    throw new ConfigError(
      "S3 checkpoint needs both S3_HARVEST_TS_BUCKET and S3_LAST_ACTION_TS_KEY (or --s3-bucket and --s3-key): only one is set",
    );
  }
  const redisUrl = options.redisUrl ?? redisUrlFromHostPort(env);
  const stateFile = options.stateFile ??
    join(defaultStateDir(env), "checkpoint.json");
  const lockFile = s3Bucket !== undefined && s3Key !== undefined
    ? join(
      defaultStateDir(env),
      `s3-${`${s3Bucket}-${s3Key}`.replace(/[^A-Za-z0-9._-]+/g, "_")}.lock`,
    )
    : `${stateFile}.lock`;
  const updateLastTs = options.updateLastTs;
  const zone = parseTimeZone(
    options.serverTimezone ?? Temporal.Now.timeZoneId(),
  );
  checkWindowFlags(options, zone);
  return {
    engage: opencastSettings({
      host: options.engage_host,
      hostSetting: "MATTERHORN_ENGAGE_HOST (or --engage_host)",
      user: options.user,
      password: options.password,
      auth: options.auth,
      timeoutSeconds: options.timeout,
      maxAttempts: options.maxAttempts,
    }),
    start: options.start,
    end: options.end,
    waitSeconds: options.wait,
    batchSize: options.batchSize,
    intervalMinutes: options.interval,
    zone,
    maxSpanSeconds: parseMaxSpan(options.maxSpan),
    spanCheck: !options.disableStartEndSpanCheck,
    catchUp: options.catchUp ?? false,
    output,
    checkpoint: s3Bucket !== undefined && s3Key !== undefined
      ? { kind: "s3", bucket: s3Bucket, key: s3Key }
      : { kind: "file", path: stateFile },
    cache: redisUrl ? { kind: "redis", url: redisUrl } : {
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
    aws: awsSettingsFromEnv(env),
    lockTtlSeconds: options.lockTtl,
    lockFile,
    progress: options.progress ?? Deno.stderr.isTerminal(),
    opencastApi: options.opencastApi,
  };

  function outputSettings(
    o: HarvestOptions,
    e: Record<string, string>,
  ): OutputSettings {
    const raw = o.output ?? (queue && queue !== "-" ? "sqs" : "-");
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
        maxPayloadBytes: o.sqsMaxPayload,
        fifoGroupBy: o.fifoGroupBy,
      };
    }
    if (raw === "es") {
      return {
        kind: "es",
        elasticsearch: elasticsearchSettingsFromEnv(o.esHost, e),
        indexPrefix: o.esIndexPrefix,
      };
    }
    throw new ConfigError(
      `Unknown --output "${raw}": use sqs, - (stdout), file:PATH or es`,
    );
  }
}

/**
 * Judges the window flags that do not depend on the checkpoint now, before
 * anything is opened: a mistyped or reversed window must not create a bucket,
 * take the lock or reach Opencast (the run resolves the window again, with
 * the checkpoint).
 */
function checkWindowFlags(options: HarvestOptions, zone: string): void {
  if (options.start === undefined && options.end === undefined) return;
  if (options.start === undefined) {
    parseUserTimestamp(options.end!, zone, { flag: "--end" });
  }
  // Without --start, a window of just --end still gets the "in the future"
  // check (the end is checked first, so the messages name --end).
  resolveWindow({
    start: options.start ?? options.end,
    end: options.end,
    now: Temporal.Now.instant(),
    zone,
    intervalMinutes: options.interval,
  });
}

function redisUrlFromHostPort(env: Record<string, string>): string | undefined {
  const host = env.REDIS_HOST;
  if (!host) return undefined;
  const port = env.REDIS_PORT ?? "6379";
  if (!/^\d{1,5}$/.test(port)) {
    throw new ConfigError(
      `REDIS_PORT must be a port number: current value is "${port}"`,
    );
  }
  return `redis://${host}:${port}`;
}
