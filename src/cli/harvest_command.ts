import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_EPISODE_CONCURRENCY,
  DEFAULT_EPISODE_TTL_SECONDS,
  DEFAULT_FIFO_GROUP_BY,
  DEFAULT_INTERVAL_MINUTES,
  DEFAULT_LOCK_TTL_SECONDS,
  DEFAULT_MATOMO_MAX_ATTEMPTS,
  DEFAULT_MATOMO_OVERLAP_MINUTES,
  DEFAULT_MATOMO_SITE_ID,
  DEFAULT_MATOMO_TIMEOUT_SECONDS,
  DEFAULT_MISSING_EPISODE_TTL_SECONDS,
  DEFAULT_PAGES_IN_FLIGHT,
  DEFAULT_SQS_MAX_PAYLOAD_BYTES,
} from "../config/defaults.ts";
import { Command, Option } from "@commander-js/extra-typings";
import { runHarvest } from "../harvest/run_harvest.ts";
import type { HarvestSummary } from "../harvest/harvest_summary.ts";
import { recordRun } from "../run_record/record_run.ts";
import { runRecordLocation } from "../run_record/run_record_location.ts";
import { harvestFacts } from "../run_record/harvest_facts.ts";
import { integerParser, timeoutParser } from "./_parsers.ts";
import {
  caCertOption,
  elasticsearchTimeoutOption,
  engageHostOption,
  envFileOption,
  esHostOption,
  esIndexPrefixOption,
  logFormatOption,
  logLevelOption,
  metricsFileOption,
  metricsPushOption,
  opencastApiOption,
  opencastAuthOption,
  opencastMaxAttemptsOption,
  opencastPasswordOption,
  opencastTimeoutOption,
  opencastUserOption,
  redisTimeoutOption,
  redisUrlOption,
  s3BucketOption,
  s3KeyOption,
  s3TimeoutOption,
  serverTimezoneOption,
  sqsTimeoutOption,
  stateFileOption,
  TIMEOUTS_HELP_GROUP,
  waitOption,
} from "./common_options.ts";
import { resolveHarvestSettings } from "./resolve_harvest_settings.ts";
import type { CommandContext } from "./command_context.ts";

const EXIT_CODE_HELP = `
Exit codes:
  0    done: every action of the window was delivered (or there were none)
  1    unexpected failure
  2    bad flags or settings (nothing was fetched or sent)
  3    authentication failed (Opencast, Matomo, AWS, Redis or Elasticsearch)
  4    a service was unreachable after retries
  5    a service answered something unusable
  6    the window is longer than MAX_START_END_SPAN (see --catch-up)
  7    some records were not accepted downstream (the checkpoint did not move
       past them)
  8    another harvest holds the lock, or this run lost it (nothing more was
       sent or saved)
  9    the engage node has no usertracking (plugin off, or removed from this
       Opencast)
  10   writing the output failed (stdout closed, broken pipe, disk full); the
       checkpoint covers what was written
  11   the checkpoint or lock cannot be written (read-only, no space,
       permission); nothing was sent
  12   records were delivered but not recorded (the checkpoint save failed):
       the next run repeats them
  130  stopped by SIGINT, 143 stopped by SIGTERM (the checkpoint was saved)

Examples:
  # cron: continue from the checkpoint
  ua-harvest harvest
  # a look at one minute (the checkpoint stays)
  ua-harvest harvest --output - -s 20240301100000 -e 20240301100100
  # a backfill of one day into a file
  ua-harvest harvest -s 20240101000000 -e 20240102000000 -o file:jan1.jsonl
  # fell behind: harvest in MAX_START_END_SPAN steps
  ua-harvest harvest --catch-up`;

/*
 * The help groups of `harvest --help`, in the order an operator sets things
 * up: where actions come from, which window, where records go, where the
 * run keeps its state, how it runs; the timeouts close the list.
 */
const SOURCE_HELP_GROUP =
  "Source (Opencast's engage node: actions, and the episodes of every source):";
const MATOMO_HELP_GROUP = "Matomo (--source matomo, Opencast 18+):";
const WINDOW_HELP_GROUP = "Window:";
const OUTPUT_HELP_GROUP = "Output:";
const STATE_HELP_GROUP = "State (checkpoint, run lock, episode cache):";
const OPERATIONS_HELP_GROUP = "Operations:";

/** Declares the `harvest` command: flags bound to the original's settings. */
export function harvestCommand(context: CommandContext) {
  // Flags given on the command line, for the checks commander cannot make.
  const given = new Set<string>();
  return new Command("harvest")
    .description(
      "Fetch user actions from the engage node (or Matomo, --source matomo) in a time window, " +
        "add episode metadata, deliver the records (SQS, stdout, a file or Elasticsearch) and save where it stopped.",
    )
    .optionsGroup(SOURCE_HELP_GROUP)
    .addOption(
      new Option(
        "--source <source>",
        "where viewer actions come from: opencast (its usertracking service) or matomo (the Matomo of an Opencast 18+ player; see the Matomo options)",
      ).env("HARVEST_SOURCE").choices(["opencast", "matomo"] as const)
        .default("opencast" as const),
    )
    .addOption(engageHostOption("-H"))
    .addOption(opencastUserOption())
    .addOption(opencastPasswordOption())
    .addOption(opencastAuthOption())
    .addOption(opencastApiOption())
    .addOption(serverTimezoneOption())
    .addOption(opencastMaxAttemptsOption())
    .optionsGroup(MATOMO_HELP_GROUP)
    .addOption(
      new Option(
        "--matomo-url <url>",
        "Matomo's base URL (index.php is appended), e.g. https://matomo.example.edu/",
      ).env("MATOMO_URL"),
    )
    .addOption(
      new Option(
        "--matomo-token-auth [token]",
        "not accepted: put the token in MATOMO_TOKEN_AUTH in the environment or .env (a flag shows in ps and shell history); view access to the site is enough",
        // Whatever came with it is dropped here, unread and never echoed.
      ).argParser((): boolean => true),
    )
    .addOption(
      new Option("--matomo-site-id <id>", "the site (idSite) the players track")
        .env("MATOMO_SITE_ID").default(DEFAULT_MATOMO_SITE_ID).argParser(
          integerParser({ min: 1 }),
        ),
    )
    .addOption(
      new Option(
        "--matomo-episode-dimension <id|name>",
        "the action-scope custom dimension holding the episode id (default: an active one named like episode or video id, else none: player page URLs and event names)",
      ).env("MATOMO_EPISODE_DIMENSION"),
    )
    .addOption(
      new Option(
        "--matomo-overlap <minutes>",
        "how far back each run reads again, for visits Matomo stores late (queued tracking)",
      ).env("MATOMO_OVERLAP_MINUTES").default(DEFAULT_MATOMO_OVERLAP_MINUTES)
        .argParser(integerParser({ min: 0, max: 1440 })),
    )
    .addOption(
      new Option(
        "--matomo-max-attempts <n>",
        "attempts per Matomo request (retries on network errors, 429, 5xx; never on a refused token)",
      ).env("MATOMO_MAX_ATTEMPTS").default(DEFAULT_MATOMO_MAX_ATTEMPTS)
        .argParser(integerParser({ min: 1, max: 20 })),
    )
    .optionsGroup(WINDOW_HELP_GROUP)
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
    .addOption(
      new Option(
        "-i, --interval <minutes>",
        "with no --start and no checkpoint, harvest this many minutes back; -i means --es_index in load_episodes and setup (short flags kept from the Python tool)",
      ).env("DEFAULT_INTERVAL").default(DEFAULT_INTERVAL_MINUTES)
        .argParser(integerParser({ min: 1, max: 525_600 })),
    )
    .addOption(
      new Option(
        "-b, --batch-size <n>",
        "actions per Opencast page (Matomo pages hold 100 visits)",
      ).default(
        DEFAULT_BATCH_SIZE,
      )
        .argParser(integerParser({ min: 1, max: 100_000 })),
    )
    .addOption(waitOption())
    .addOption(
      new Option(
        "--max-span <seconds>",
        "longest window harvested without --catch-up or the flag above (unset: no limit)",
      ).env("MAX_START_END_SPAN"),
    )
    .addOption(
      new Option(
        "--disable-start-end-span-check",
        "harvest a window longer than MAX_START_END_SPAN in one go",
      ),
    )
    .addOption(
      new Option(
        "--catch-up",
        "harvest a window longer than the max span as consecutive sub-windows, saving after each",
      ),
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
    .optionsGroup(OUTPUT_HELP_GROUP)
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
      new Option(
        "--sqs-max-payload <bytes>",
        "SQS batch payload limit (up to 1 MiB for queues configured for it)",
      ).env("SQS_MAX_PAYLOAD").default(DEFAULT_SQS_MAX_PAYLOAD_BYTES)
        .argParser(integerParser({ min: 1024, max: 1_048_576 })),
    )
    .addOption(
      new Option("--fifo-group-by <field>", "MessageGroupId of a FIFO queue")
        .env("SQS_FIFO_GROUP_BY").choices(
          ["mpid", "session_id", "huid", "none"] as const,
        )
        .default(DEFAULT_FIFO_GROUP_BY),
    )
    .addOption(esHostOption({ short: false }))
    .addOption(esIndexPrefixOption())
    .addOption(
      new Option(
        "--dry-run",
        "fetch and build records, report what would be sent and saved, send and save nothing",
      ),
    )
    .optionsGroup(STATE_HELP_GROUP)
    .addOption(stateFileOption())
    .addOption(s3BucketOption({ createdWhenMissing: true }))
    .addOption(s3KeyOption())
    .addOption(redisUrlOption())
    .addOption(
      new Option(
        "--lock-ttl <seconds>",
        "how long the Redis run lock outlives a run that died (renewed every quarter of it; a run that cannot renew it stops at three quarters)",
      ).env("UA_HARVEST_LOCK_TTL").default(DEFAULT_LOCK_TTL_SECONDS).argParser(
        integerParser({ min: 3, max: 3600 }),
      ),
    )
    .addOption(
      new Option(
        "--cache-file <path>",
        "embedded episode cache file (default: episodes.sqlite in $XDG_CACHE_HOME/ua-harvest, else ~/.cache/ua-harvest)",
      ).env("UA_HARVEST_CACHE_FILE"),
    )
    .addOption(
      new Option(
        "--cache-ttl <seconds>",
        "how long a fetched episode is cached",
      ).env("EPISODE_CACHE_EXPIRE").default(DEFAULT_EPISODE_TTL_SECONDS)
        .argParser(
          integerParser({ min: 0 }),
        ),
    )
    .addOption(
      new Option(
        "--missing-episode-ttl <seconds>",
        "how long 'no such episode' is cached",
      ).env("EPISODE_MISSING_CACHE_EXPIRE").default(
        DEFAULT_MISSING_EPISODE_TTL_SECONDS,
      )
        .argParser(integerParser({ min: 0 })),
    )
    .optionsGroup(OPERATIONS_HELP_GROUP)
    .addOption(
      new Option(
        "--pages-in-flight <n>",
        "pages fetched and enriched ahead of the one being delivered (memory stays bounded by this)",
      ).env("UA_HARVEST_PAGES_IN_FLIGHT").default(DEFAULT_PAGES_IN_FLIGHT)
        .argParser(
          integerParser({ min: 1, max: 16 }),
        ),
    )
    .addOption(
      new Option(
        "--episode-concurrency <n>",
        "most episode lookups in flight: starts at 4, doubles while the engage node answers as fast, halves when it slows down or fails",
      )
        .env("EPISODE_CONCURRENCY").default(DEFAULT_EPISODE_CONCURRENCY)
        .argParser(
          integerParser({ min: 1, max: 256 }),
        ),
    )
    .addOption(
      new Option(
        "--progress",
        "show a live progress line (default: when stderr is a terminal)",
      ),
    )
    .addOption(new Option("--no-progress", "never show the progress line"))
    .addOption(metricsFileOption("UA_HARVEST_METRICS_FILE"))
    .addOption(metricsPushOption())
    .addOption(caCertOption())
    .addOption(envFileOption())
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .helpOption(true)
    .addOption(opencastTimeoutOption())
    .addOption(
      new Option(
        "--matomo-timeout <seconds>",
        "per-attempt timeout for Matomo (a page of visits reads the raw log)",
      ).env("MATOMO_TIMEOUT").default(DEFAULT_MATOMO_TIMEOUT_SECONDS)
        .argParser(timeoutParser(600)).helpGroup(TIMEOUTS_HELP_GROUP),
    )
    .addOption(s3TimeoutOption())
    .addOption(sqsTimeoutOption())
    .addOption(redisTimeoutOption())
    .addOption(elasticsearchTimeoutOption())
    .addHelpText("after", EXIT_CODE_HELP)
    .hook("preAction", (command) => {
      // Both spellings set one value, so commander's conflicts() cannot tell
      // them apart: the last one would silently win.
      if (given.has("update-last-ts") && given.has("no-update-last-ts")) {
        command.error(
          "error: option '--update-last-ts' cannot be used with option '--no-update-last-ts'",
          { exitCode: 2, code: "commander.conflictingOption" },
        );
      }
    })
    .on("option:update-last-ts", () => given.add("update-last-ts"))
    .on("option:no-update-last-ts", () => given.add("no-update-last-ts"))
    .action(async (options) => {
      // The only reads of the process, the clock and the terminal.
      const settings = resolveHarvestSettings({
        options,
        env: context.env,
        now: context.clock.now(),
        localTimeZone: Temporal.Now.timeZoneId(),
        stderrIsTerminal: context.stderr.isTerminal(),
      });
      let summary: HarvestSummary | undefined;
      // Only the runs that move the checkpoint (cron's) are recorded and
      // measured: a backfill or a look must not pass for the job.
      const recorded = !settings.dryRun &&
        (settings.updateCheckpoint === "always" ||
          (settings.updateCheckpoint === "auto" &&
            settings.start === undefined));
      context.exitCode = await recordRun(
        {
          command: "harvest",
          version: context.version,
          signal: context.signal,
          ...(context.redact ? { redact: context.redact } : {}),
          ...(recorded
            ? {
              record: {
                location: runRecordLocation(settings.checkpoint, "harvest"),
                aws: settings.aws,
                deadlines: settings.deadlines,
              },
              metricsFile: options.metricsFile,
              metricsPush: options.metricsPush,
              caCertPath: options.caCert,
            }
            : {}),
        },
        async () =>
          (await runHarvest(settings, {
            signal: context.signal,
            stdout: context.stdout,
            statusLine: context.statusLine,
            now: () => context.clock.now(),
            sleep: (ms, signal) => context.clock.sleep(ms, signal),
            onSummary: (s) => summary = s,
          })).exitCode,
        () => harvestFacts(summary),
      );
    });
}
