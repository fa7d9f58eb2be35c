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
import type {
  LoadEpisodesSummary,
  WorkflowQuery,
} from "../episodes/load_episodes.ts";
import { recordRun } from "../run_record/record_run.ts";
import { createOpencastEpisodeSource } from "../episodes/opencast_episode_source.ts";
import { OpencastClient } from "../opencast/opencast_client.ts";
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
      "\nElasticsearch credentials: ELASTICSEARCH_USERNAME + ELASTICSEARCH_PASSWORD, or ELASTICSEARCH_API_KEY; " +
        "ELASTICSEARCH_CA_CERT for a private CA.\nExit codes as for harvest (ua-harvest harvest --help); 7 when some documents were rejected.",
    )
    .action(async (options) => {
      const { elasticsearch, engage, admin, runRecord, metricsFile, notes } =
        resolveLoadEpisodesSettings({ options, env: Deno.env.toObject() });
      for (const note of notes) logger.info(note);
      const source = createOpencastEpisodeSource({
        engage: new OpencastClient({
          ...engage,
          nodeLabel: "engage",
          signal: context.signal,
        }),
        admin: new OpencastClient({
          ...admin,
          nodeLabel: "admin",
          signal: context.signal,
        }),
        api: options.opencastApi,
      });
      let summary: Readonly<LoadEpisodesSummary> | undefined;
      let workflowsFetched = 0;
      const counted = {
        ...source,
        lookupWorkflows: async (query: WorkflowQuery) => {
          const workflows = await source.lookupWorkflows(query);
          workflowsFetched += 1;
          return workflows;
        },
      };
      if ("unavailable" in runRecord) {
        logger.warn("Keeping no last-run record: {reason}", {
          reason: runRecord.unavailable,
        });
      }
      context.exitCode = await recordRun(
        {
          command: "load_episodes",
          version: context.version,
          signal: context.signal,
          ...(context.redact ? { redact: context.redact } : {}),
          ...("location" in runRecord ? { record: runRecord } : {}),
          metricsFile,
          metricsPush: options.metricsPush,
          caCertPath: options.caCert,
        },
        async () => {
          await run();
          return 0;
        },
        () => ({
          counts: {
            episodesFound: summary?.episodes ?? 0,
            episodesIndexed: summary?.indexed ?? 0,
            workflowsFetched,
            documentsRejected: summary?.failed ?? 0,
          },
        }),
      );

      async function run() {
        // Loaded here, not at start-up: it brings the Elasticsearch client.
        const { loadEpisodes } = await import("../episodes/load_episodes.ts");
        const done = await loadEpisodes({
          ...counted,
          onSummary: (s) => summary = s,
          elasticsearch,
          index: options.es_index,
          createdFromDaysAgo: options.created_from_days_ago,
          mpids: options.mpid ?? [],
          sourceIndexPattern: options.sourceIndexPattern,
          workflowDefinition: options.workflowDefinition,
          waitSeconds: options.wait,
          concurrency: options.workflowConcurrency,
          signal: context.signal,
        });
        logger.info(
          "Episodes done: {indexed} of {episodes} indexed into {index}, {workflowsMissing} without workflow, " +
            "{workflowErrors} workflow lookups failed, {notFound} not found, {searchPages} search pages " +
            "({outsideWindow} listed outside the window), {seconds}s",
          { ...done, index: options.es_index },
        );
      }
    });
}

/** The `load_episodes` command's parsed flags, env-bound ones included. */
export type LoadEpisodesFlags = ReturnType<
  ReturnType<typeof loadEpisodesCommand>["opts"]
>;
