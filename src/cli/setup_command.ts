import { Command } from "@commander-js/extra-typings";
import { elasticsearchSettingsFromEnv } from "./_settings.ts";
import {
  caCertOption,
  elasticsearchTimeoutOption,
  envFileOption,
  esHostOption,
  esIndexOption,
  esIndexPrefixOption,
  logFormatOption,
  logLevelOption,
} from "./common_options.ts";
import type { CommandContext } from "./command_context.ts";
import { writeLine } from "./cli_io.ts";

/** Declares the `setup` command: Elasticsearch index templates. */
export function setupCommand(context: CommandContext) {
  return new Command("setup")
    .description(
      "Install (or update) the Elasticsearch index templates for the episode index and the daily " +
        "action indexes. Idempotent: prints what it created, updated or left unchanged.",
    )
    .addOption(esHostOption({ short: true }))
    .addOption(esIndexOption())
    .addOption(esIndexPrefixOption())
    .addOption(elasticsearchTimeoutOption())
    .addOption(caCertOption())
    .addOption(envFileOption())
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .action(async (options) => {
      // Loaded here, not at start-up: it brings the Elasticsearch client.
      const { runSetup } = await import("../elasticsearch/run_setup.ts");
      const summary = await runSetup({
        elasticsearch: elasticsearchSettingsFromEnv(
          options.es_host,
          context.env,
          options.esTimeout,
          options.caCert,
        ),
        episodeIndex: options.es_index,
        actionIndexPrefix: options.esIndexPrefix,
      });
      for (const template of summary.templates) {
        writeLine(
          context.stdout,
          `${template.outcome} ${template.name} (${
            template.indexPatterns.join(", ")
          })`,
        );
      }
    });
}
