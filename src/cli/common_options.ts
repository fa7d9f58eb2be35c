import {
  DEFAULT_ACTION_INDEX_PREFIX,
  DEFAULT_ELASTICSEARCH_TIMEOUT_SECONDS,
  DEFAULT_EPISODE_INDEX,
  DEFAULT_LOG_FORMAT,
  DEFAULT_LOG_LEVEL,
  DEFAULT_OPENCAST_API,
  DEFAULT_OPENCAST_AUTH,
  DEFAULT_OPENCAST_MAX_ATTEMPTS,
  DEFAULT_OPENCAST_TIMEOUT_SECONDS,
  DEFAULT_REDIS_TIMEOUT_SECONDS,
  DEFAULT_S3_TIMEOUT_SECONDS,
  DEFAULT_SQS_TIMEOUT_SECONDS,
  DEFAULT_WAIT_SECONDS,
} from "../config/defaults.ts";
import { InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { parseLogLevel } from "../log/configure_logging.ts";
import { integerParser, secondsParser, timeoutParser } from "./_parsers.ts";
import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";
import { redactUrl } from "../util/redact_url.ts";

/**
 * `--ca-cert`, bound to `UA_HARVEST_CA_CERT`: a PEM bundle of CAs trusted in
 * addition to the system's for every https connection (Opencast, Matomo, S3
 * and SQS, Elasticsearch unless `ELASTICSEARCH_CA_CERT` is set, the
 * Pushgateway, Loggly) and Redis over TLS. (`caBundle()` passes the system's
 * CA file along to the `node:tls` clients, whose `ca` replaces the roots.)
 */
export function caCertOption() {
  return new Option(
    "--ca-cert <path>",
    "PEM bundle of private CAs, trusted beside the system's, for every https connection (Opencast, Matomo, S3 and SQS, Elasticsearch unless ELASTICSEARCH_CA_CERT is set, Pushgateway, Loggly) and Redis over rediss://",
  ).env("UA_HARVEST_CA_CERT");
}

/** `--env-file`, read by `main.ts` before parsing; declared so `--help` lists it. */
export function envFileOption() {
  return new Option(
    "--env-file <path>",
    "read settings only from this file (default: .env in the working directory, then beside the binary)",
  );
}

/** `--log-level`, bound to `LOG_LEVEL`. */
export function logLevelOption() {
  return new Option("--log-level <level>", "trace, debug, info, warning, error")
    .env("LOG_LEVEL").default(DEFAULT_LOG_LEVEL).argParser((value) => {
      // A usage error (exit 2) like any other bad flag or setting.
      try {
        return parseLogLevel(value);
      } catch {
        throw new InvalidArgumentError(
          "expected trace, debug, info, warning, error or fatal",
        );
      }
    });
}

/** `--log-format`, bound to `LOG_FORMAT`. */
export function logFormatOption() {
  return new Option(
    "--log-format <format>",
    "text (one readable line per event) or json",
  )
    .env("LOG_FORMAT").choices(["text", "json"] as const).default(
      DEFAULT_LOG_FORMAT,
    );
}

/** `-u, --user`, bound to `MATTERHORN_REST_USER`. */
export function opencastUserOption() {
  return new Option("-u, --user <user>", "Opencast API user").env(
    "MATTERHORN_REST_USER",
  );
}

/** `-p, --password`, bound to `MATTERHORN_REST_PASS`. */
export function opencastPasswordOption() {
  return new Option("-p, --password <password>", "Opencast API password").env(
    "MATTERHORN_REST_PASS",
  );
}

/** `--auth`, bound to `OPENCAST_AUTH`. */
export function opencastAuthOption() {
  return new Option("--auth <scheme>", "Opencast auth scheme").env(
    "OPENCAST_AUTH",
  )
    .choices(["digest", "basic"] as const).default(DEFAULT_OPENCAST_AUTH);
}

/**
 * The help heading of every service deadline: one place to look for how long
 * a run waits on a service that accepts a connection and never answers.
 */
export const TIMEOUTS_HELP_GROUP =
  "Timeouts (seconds per attempt; a frozen service fails the run with exit 4):";

/** `--timeout`, bound to `OPENCAST_TIMEOUT`. */
export function opencastTimeoutOption() {
  return new Option("--timeout <seconds>", "per-request timeout for Opencast")
    .env("OPENCAST_TIMEOUT").default(DEFAULT_OPENCAST_TIMEOUT_SECONDS)
    .argParser(timeoutParser(600))
    .helpGroup(TIMEOUTS_HELP_GROUP);
}

/** `--s3-timeout`, bound to `S3_TIMEOUT`: one S3 checkpoint call (3 attempts). */
export function s3TimeoutOption() {
  return new Option("--s3-timeout <seconds>", "per-attempt timeout for S3")
    .env("S3_TIMEOUT").default(DEFAULT_S3_TIMEOUT_SECONDS).argParser(
      timeoutParser(600),
    )
    .helpGroup(TIMEOUTS_HELP_GROUP);
}

/** `--sqs-timeout`, bound to `SQS_TIMEOUT`: one SQS call (5 attempts per batch). */
export function sqsTimeoutOption() {
  return new Option("--sqs-timeout <seconds>", "per-attempt timeout for SQS")
    .env("SQS_TIMEOUT").default(DEFAULT_SQS_TIMEOUT_SECONDS).argParser(
      timeoutParser(600),
    )
    .helpGroup(TIMEOUTS_HELP_GROUP);
}

/**
 * `--redis-timeout`, bound to `REDIS_TIMEOUT`: connecting, one cache command,
 * and one renewal of the run lock (never more than a quarter of `--lock-ttl`).
 */
export function redisTimeoutOption() {
  return new Option(
    "--redis-timeout <seconds>",
    "timeout of one Redis command, lock renewals included",
  ).env("REDIS_TIMEOUT").default(DEFAULT_REDIS_TIMEOUT_SECONDS).argParser(
    timeoutParser(600),
  )
    .helpGroup(TIMEOUTS_HELP_GROUP);
}

/** `--es-timeout`, bound to `ELASTICSEARCH_TIMEOUT`: one Elasticsearch request (4 attempts). */
export function elasticsearchTimeoutOption() {
  return new Option(
    "--es-timeout <seconds>",
    "per-attempt timeout for Elasticsearch",
  ).env("ELASTICSEARCH_TIMEOUT").default(DEFAULT_ELASTICSEARCH_TIMEOUT_SECONDS)
    .argParser(timeoutParser(600))
    .helpGroup(TIMEOUTS_HELP_GROUP);
}

/** `--max-attempts`, bound to `OPENCAST_MAX_ATTEMPTS`. */
export function opencastMaxAttemptsOption() {
  return new Option(
    "--max-attempts <n>",
    "attempts per Opencast request (retries on errors, 429, 5xx)",
  ).env("OPENCAST_MAX_ATTEMPTS").default(DEFAULT_OPENCAST_MAX_ATTEMPTS)
    .argParser(
      integerParser({ min: 1, max: 20 }),
    );
}

/** `-w, --wait`: the pause between page requests. */
export function waitOption() {
  return new Option("-w, --wait <seconds>", "pause between page requests")
    .default(DEFAULT_WAIT_SECONDS)
    .argParser(secondsParser(3600));
}

/** The Opencast API variants `--opencast-api` accepts. */
export const OPENCAST_API_CHOICES = ["auto", "dce", "upstream"] as const;

/**
 * `--opencast-api`, bound to `OPENCAST_API`: which usertracking/search API the
 * server speaks. `auto` (the default) detects it from how the server answers.
 */
export function opencastApiOption() {
  return new Option(
    "--opencast-api <variant>",
    "Opencast API variant: auto (detect), dce (Harvard fork: start/end windows) or upstream (Opencast 8-17)",
  ).env("OPENCAST_API").choices(OPENCAST_API_CHOICES).default(
    DEFAULT_OPENCAST_API,
  );
}

/** `--state-file`, bound to `UA_HARVEST_STATE_FILE`: the local checkpoint. */
export function stateFileOption() {
  return new Option(
    "--state-file <path>",
    "local checkpoint file, for when no S3 bucket/key is set (both set is an error) (default: checkpoint.json in $XDG_STATE_HOME/ua-harvest, else ~/.local/state/ua-harvest)",
  ).env("UA_HARVEST_STATE_FILE");
}

/** Options for {@linkcode s3BucketOption}. */
export interface S3BucketOptionOptions {
  /**
   * Whether the command creates the bucket when it is missing (only
   * `harvest` does: `status` and `load_episodes` only read or write beside
   * the checkpoint), so the help claims it only there.
   *
   * @default false
   */
  readonly createdWhenMissing?: boolean;
}

/** `--s3-bucket`, bound to `S3_HARVEST_TS_BUCKET`. */
export function s3BucketOption(options: S3BucketOptionOptions = {}) {
  return new Option(
    "--s3-bucket <bucket>",
    options.createdWhenMissing
      ? "S3 bucket of the checkpoint (created when missing)"
      : "S3 bucket of the checkpoint",
  ).env("S3_HARVEST_TS_BUCKET");
}

/** `--s3-key`, bound to `S3_LAST_ACTION_TS_KEY`. */
export function s3KeyOption() {
  return new Option("--s3-key <key>", "S3 key of the checkpoint").env(
    "S3_LAST_ACTION_TS_KEY",
  );
}

/** `--redis-url`, bound to `REDIS_URL`. */
export function redisUrlOption() {
  return new Option(
    "--redis-url <url>",
    "Redis for the episode cache and the lock (default: REDIS_HOST/REDIS_PORT, else the embedded cache)",
  ).env("REDIS_URL");
}

/** `--server-timezone`, bound to `OPENCAST_TIMEZONE`. */
export function serverTimezoneOption() {
  return new Option(
    "--server-timezone <zone>",
    "Opencast server time zone (IANA name or offset) for YYYYMMDDHHmmss values (default: this machine's)",
  ).env("OPENCAST_TIMEZONE");
}

/**
 * `--metrics-file`, bound to a variable of the command's own
 * (`UA_HARVEST_METRICS_FILE` for harvest, `UA_HARVEST_LOAD_EPISODES_METRICS_FILE`
 * for load_episodes): one `.env` serves both commands, and one file for both
 * would have each run replace the other's metrics.
 */
export function metricsFileOption(variable: string) {
  return new Option(
    "--metrics-file <path>",
    "rewrite this Prometheus text file at the end of the run (node_exporter textfile collector)",
  ).env(variable);
}

/** `--metrics-push`, bound to `UA_HARVEST_METRICS_PUSH`. */
export function metricsPushOption() {
  return new Option(
    "--metrics-push <url>",
    "push the run's metrics to this Prometheus Pushgateway (job ua_harvest); a failed push is a warning",
  ).env("UA_HARVEST_METRICS_PUSH").argParser((value) => {
    if (
      !URL.canParse(value) || !/^https?:\/\//i.test(value) ||
      /[/?#].*@/.test(value.replace(/^https?:\/\//i, ""))
    ) {
      // Not commander's InvalidArgumentError: its message would echo the
      // value whole, password included. A ConfigError (exit 2) echoes it
      // without its user information.
      throw new ConfigError(
        `--metrics-push (UA_HARVEST_METRICS_PUSH) must be an http(s) URL: current value is "${
          echoValue(redactUrl(value))
        }"`,
      );
    }
    return value;
  });
}

/**
 * `--engage_host`, bound to `MATTERHORN_ENGAGE_HOST`. Its short flag differs
 * by command, as in the Python tool: `-H` in harvest, `-E` in load_episodes.
 */
export function engageHostOption(short: "-H" | "-E") {
  const other = short === "-H"
    ? "load_episodes spells it -E"
    : "harvest spells it -H";
  return new Option(
    `${short}, --engage_host <host>`,
    `engage node: host, host:port or URL; ${other} (short flags kept from the Python tool)`,
  ).env("MATTERHORN_ENGAGE_HOST");
}

/**
 * `--es_host`, bound to `ELASTICSEARCH_HOST`: `-e` in load_episodes and setup
 * (as in the Python tool), no short flag in harvest, where `-e` is `--end`.
 */
export function esHostOption(options: { readonly short: boolean }) {
  return options.short
    ? new Option(
      "-e, --es_host <host>",
      "Elasticsearch: host:port (http assumed) or URL; -e means --end in harvest (short flags kept from the Python tool)",
    ).env("ELASTICSEARCH_HOST")
    : new Option(
      "--es_host <host>",
      "Elasticsearch for --output es: host:port (http assumed) or URL",
    ).env("ELASTICSEARCH_HOST");
}

/** `-i, --es_index`, bound to `EPISODE_INDEX_NAME`: the episode index. */
export function esIndexOption() {
  return new Option(
    "-i, --es_index <index>",
    "episode index (its template matches <index>*); -i means --interval in harvest (short flags kept from the Python tool)",
  ).env("EPISODE_INDEX_NAME").default(DEFAULT_EPISODE_INDEX);
}

/** `--es-index-prefix`, bound to `ES_ACTION_INDEX_PREFIX`: the daily action indexes. */
export function esIndexPrefixOption() {
  return new Option(
    "--es-index-prefix <prefix>",
    "daily action index prefix: <prefix>YYYY.MM.DD (its template matches <prefix>*)",
  ).env("ES_ACTION_INDEX_PREFIX").default(DEFAULT_ACTION_INDEX_PREFIX);
}
