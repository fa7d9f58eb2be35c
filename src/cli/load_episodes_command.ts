import { Command, Option } from "@commander-js/extra-typings";
import { getLogger } from "@logtape/logtape";
import { loadEpisodes } from "../episodes/load_episodes.ts";
import { createOpencastEpisodeSource } from "../episodes/opencast_episode_source.ts";
import { OpencastClient } from "../opencast/opencast_client.ts";
import { collect, integerParser } from "./_parsers.ts";
import { elasticsearchSettingsFromEnv, opencastSettings } from "./_settings.ts";
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
      ).default(1)
        .argParser(integerParser({ min: 1, max: 36_500 })),
    )
    .addOption(
      new Option("-A, --admin_host <host>", "admin node, for workflows").env(
        "MATTERHORN_ADMIN_HOST",
      ),
    )
    .addOption(
      new Option(
        "-E, --engage_host <host>",
        "engage node, for episode search; harvest spells it -H (short flags kept from the Python tool)",
      ).env("MATTERHORN_ENGAGE_HOST"),
    )
    .addOption(
      new Option(
        "-e, --es_host <host>",
        "Elasticsearch: host:port (http assumed) or URL; -e means --end in harvest (short flags kept from the Python tool)",
      ).env("ELASTICSEARCH_HOST"),
    )
    .addOption(
      new Option(
        "-i, --es_index <index>",
        "episode index; -i means --interval in harvest (short flags kept from the Python tool)",
      ).env("EPISODE_INDEX_NAME").default("episodes"),
    )
    .addOption(waitOption())
    .addOption(opencastUserOption())
    .addOption(opencastPasswordOption())
    .addOption(opencastAuthOption())
    .addOption(
      new Option(
        "--mpid <id>",
        "index this mediapackage (repeatable) instead of a creation window",
      ).argParser(collect),
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
      ).env("WORKFLOW_DEFINITION").default("DCE-archive-publish-external"),
    )
    .addOption(
      new Option("--workflow-concurrency <n>", "workflow lookups in parallel")
        .env("WORKFLOW_CONCURRENCY").default(4).argParser(
          integerParser({ min: 1, max: 64 }),
        ),
    )
    .addOption(opencastApiOption())
    .addOption(opencastTimeoutOption())
    .addOption(opencastMaxAttemptsOption())
    .addOption(envFileOption())
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .addHelpText(
      "after",
      "\nElasticsearch credentials: ELASTICSEARCH_USERNAME + ELASTICSEARCH_PASSWORD, or ELASTICSEARCH_API_KEY; " +
        "ELASTICSEARCH_CA_CERT for a private CA.\nExit codes as for harvest (ua-harvest harvest --help); 7 when some documents were rejected.",
    )
    .action(async (options) => {
      const env = Deno.env.toObject();
      const elasticsearch = elasticsearchSettingsFromEnv(options.es_host, env);
      const common = {
        user: options.user,
        password: options.password,
        auth: options.auth,
        timeoutSeconds: options.timeout,
        maxAttempts: options.maxAttempts,
      };
      const engage = opencastSettings({
        ...common,
        host: options.engage_host,
        hostSetting: "MATTERHORN_ENGAGE_HOST (or --engage_host)",
      });
      const admin = opencastSettings({
        ...common,
        host: options.admin_host,
        hostSetting: "MATTERHORN_ADMIN_HOST (or --admin_host)",
      });
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
      const summary = await loadEpisodes({
        ...source,
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
        { ...summary, index: options.es_index },
      );
    });
}
