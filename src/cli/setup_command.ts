import { Command, Option } from "@commander-js/extra-typings";
import { runSetup } from "../elasticsearch/run_setup.ts";
import { elasticsearchSettingsFromEnv } from "./_settings.ts";
import {
  envFileOption,
  logFormatOption,
  logLevelOption,
} from "./common_options.ts";
import type { CommandContext } from "./command_context.ts";

/** Declares the `setup` command: Elasticsearch index templates. */
export function setupCommand(_context: CommandContext) {
  return new Command("setup")
    .description(
      "Install (or update) the Elasticsearch index templates for the episode index and the daily " +
        "action indexes. Idempotent: prints what it created, updated or left unchanged.",
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
        "episode index (the template matches <index>*); -i means --interval in harvest (short flags kept from the Python tool)",
      ).env("EPISODE_INDEX_NAME").default("episodes"),
    )
    .addOption(
      new Option(
        "--es-index-prefix <prefix>",
        "daily action index prefix (the template matches <prefix>*)",
      ).env("ES_ACTION_INDEX_PREFIX").default("useractions-"),
    )
    .addOption(envFileOption())
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .action(async (options) => {
      const summary = await runSetup({
        elasticsearch: elasticsearchSettingsFromEnv(
          options.es_host,
          Deno.env.toObject(),
        ),
        episodeIndex: options.es_index,
        actionIndexPrefix: options.esIndexPrefix,
      });
      for (const template of summary.templates) {
        console.log(
          `${template.outcome} ${template.name} (${
            template.indexPatterns.join(", ")
          })`,
        );
      }
    });
}
