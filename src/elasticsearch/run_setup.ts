import { checkElasticsearch } from "./check_elasticsearch.ts";
import {
  createElasticsearchClient,
  type ElasticsearchClientOptions,
} from "./elasticsearch_client.ts";
import {
  buildIndexTemplates,
  type IndexTemplateOptions,
} from "./index_templates.ts";
import {
  installIndexTemplates,
  type TemplateOutcome,
} from "./install_index_templates.ts";

/** Settings of the `setup` command. */
export interface SetupOptions extends IndexTemplateOptions {
  /** The cluster to install the templates in. */
  elasticsearch: ElasticsearchClientOptions;
}

/** What `setup` did. */
export interface SetupSummary {
  /** One outcome per template, in install order. */
  templates: TemplateOutcome[];
}

/**
 * The `setup` command: checks the cluster, then installs (or updates, or
 * leaves alone) the index templates for the episode index and the daily
 * action indexes. Safe to run any number of times.
 *
 * @throws {ConfigError} on bad settings, before any network I/O
 * @throws {UnreachableError | AuthenticationError | ApiContractError}
 */
export async function runSetup(options: SetupOptions): Promise<SetupSummary> {
  const templates = buildIndexTemplates(options);
  const client = createElasticsearchClient(options.elasticsearch);
  try {
    await checkElasticsearch(client);
    return { templates: await installIndexTemplates(client, templates) };
  } finally {
    await client.close();
  }
}
