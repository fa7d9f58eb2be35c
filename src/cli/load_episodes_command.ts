import {
  DEFAULT_CREATED_FROM_DAYS_AGO,
  DEFAULT_WORKFLOW_CONCURRENCY,
  DEFAULT_WORKFLOW_DEFINITION,
} from "../config/defaults.ts";
import {
  Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import { getLogger } from "@logtape/logtape";
import type { LoadEpisodesSummary } from "../episodes/load_episodes_summary.ts";
import { recordRun } from "../run_record/record_run.ts";
import { collect, integerParser } from "./_parsers.ts";
import { resolveLoadEpisodesSettings } from "./resolve_load_episodes_settings.ts";
import {
  caCertOption,
  elasticsearchTimeoutOption,
  engageHostOption,
  envFileOption,
  esHostOption,
  esIndexOption,
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
  s3BucketOption,
  s3KeyOption,
  stateFileOption,
  waitOption,
} from "./common_options.ts";
import type { CommandContext } from "./command_context.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** Declares the `load_episodes` command (also `load-episodes`). */
export function loadEpisodesCommand(context: CommandContext) {
  return new Command("load_episodes")
    .alias("load-episodes")
    .description(
      "Index episode metadata into Elasticsearch (_id = episode id), with live-stream start/end " +
        "and availability times from the admin node's workflows. Default: episodes created in the " +
        "last --created_from_days_ago days; or --mpid ids; or the ids seen in action indexes.",
    )
    .addOption(
      new Option(
        "-c, --created_from_days_ago <days>",
        "episodes created this many days ago until now",
      ).default(DEFAULT_CREATED_FROM_DAYS_AGO)
        .argParser(integerParser({ min: 1, max: 36_500 })),
    )
    .addOption(
      new Option("-A, --admin_host <host>", "admin node, for workflows").env(
        "MATTERHORN_ADMIN_HOST",
      ),
    )
    .addOption(engageHostOption("-E"))
    .addOption(esHostOption({ short: true }))
    .addOption(esIndexOption())
    .addOption(waitOption())
    .addOption(opencastUserOption())
    .addOption(opencastPasswordOption())
    .addOption(opencastAuthOption())
    .addOption(
      new Option(
        "--mpid <id>",
        "index this mediapackage (repeatable) instead of a creation window",
      ).argParser((value, previous: string[] | undefined) => {
        if (value.trim() === "") {
          throw new InvalidArgumentError(
            "expected a mediapackage id, not an empty value",
          );
        }
        return collect(value.trim(), previous);
      }).conflicts("sourceIndexPattern"),
    )
    .addOption(
      new Option(
        "--source-index-pattern <pattern>",
        "index the mediapackages seen in these action indexes, e.g. useractions-2024.03.01",
      ),
    )
    .addOption(
      new Option(
        "--workflow-definition <id>",
        "workflow definition holding the live capture",
      ).env("WORKFLOW_DEFINITION").default(DEFAULT_WORKFLOW_DEFINITION),
    )
    .addOption(
      new Option("--workflow-concurrency <n>", "workflow lookups in parallel")
        .env("WORKFLOW_CONCURRENCY").default(DEFAULT_WORKFLOW_CONCURRENCY)
        .argParser(
          integerParser({ min: 1, max: 64 }),
        ),
    )
    .addOption(opencastApiOption())
    .addOption(opencastTimeoutOption())
    .addOption(elasticsearchTimeoutOption())
    .addOption(opencastMaxAttemptsOption())
    .addOption(stateFileOption())
    .addOption(s3BucketOption())
    .addOption(s3KeyOption())
    .addOption(metricsFileOption("UA_HARVEST_LOAD_EPISODES_METRICS_FILE"))
    .addOption(metricsPushOption())
    .addOption(caCertOption())
    .addOption(envFileOption())
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .addHelpText(
      "after",
      `
Elasticsearch credentials: ELASTICSEARCH_USERNAME + ELASTICSEARCH_PASSWORD,
or ELASTICSEARCH_API_KEY; ELASTICSEARCH_CA_CERT for a private CA.
Exit codes as for harvest (ua-harvest harvest --help); 7 when some documents
were rejected.`,
    )
    .action(async (options) => {
      const settings = resolveLoadEpisodesSettings({
        options,
        env: context.env,
      });
      for (const note of settings.notes) logger.info(note);
      const { runRecord } = settings;
      if ("unavailable" in runRecord) {
        logger.warn("Keeping no last-run record: {reason}", {
          reason: runRecord.unavailable,
        });
      }
      let summary: Readonly<LoadEpisodesSummary> | undefined;
      context.exitCode = await recordRun(
        {
          command: "load_episodes",
          version: context.version,
          signal: context.signal,
          ...(context.redact ? { redact: context.redact } : {}),
          ...("location" in runRecord ? { record: runRecord } : {}),
          metricsFile: settings.metricsFile,
          metricsPush: settings.metricsPush,
          caCertPath: options.caCert,
        },
        async () => {
          // Loaded here, not at start-up: it brings the Elasticsearch client.
          const { runLoadEpisodes } = await import(
            "../episodes/run_load_episodes.ts"
          );
          await runLoadEpisodes(settings, {
            signal: context.signal,
            onSummary: (s) => summary = s,
          });
          return 0;
        },
        () => ({
          counts: {
            episodesFound: summary?.episodes ?? 0,
            episodesIndexed: summary?.indexed ?? 0,
            workflowsFetched: summary?.workflowsFetched ?? 0,
            documentsRejected: summary?.failed ?? 0,
          },
        }),
      );
    });
}
