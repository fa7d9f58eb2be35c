import type { Client } from "@elastic/elasticsearch";
import { errors } from "@elastic/elasticsearch";
import { getLogger } from "@logtape/logtape";
import { toElasticsearchError } from "./_elasticsearch_error.ts";
import { templateMatches } from "./_template_matches.ts";
import type { IndexTemplate } from "./index_templates.ts";

const logger = getLogger(["ua-harvest", "elasticsearch"]);

/** What installing one template did. */
export interface TemplateOutcome {
  /** The template name. */
  name: string;
  /** The index patterns it applies to. */
  indexPatterns: string[];
  /** `created` (absent before), `updated` (differed), `unchanged`. */
  outcome: "created" | "updated" | "unchanged";
}

/**
 * Installs composable index templates idempotently: each is compared with
 * the installed one and written only when absent or different. Templates
 * apply to indexes created afterwards; existing indexes keep their mapping.
 *
 * @throws {UnreachableError | AuthenticationError | ApiContractError} when
 * Elasticsearch cannot be reached or refuses a template
 */
export async function installIndexTemplates(
  client: Client,
  templates: readonly IndexTemplate[],
): Promise<TemplateOutcome[]> {
  const outcomes: TemplateOutcome[] = [];
  for (const template of templates) {
    const installed = await getInstalled(client, template.name);
    let outcome: TemplateOutcome["outcome"];
    if (installed === null) {
      outcome = "created";
    } else if (templateMatches(template.body, installed)) {
      outcome = "unchanged";
    } else {
      outcome = "updated";
    }
    if (outcome !== "unchanged") {
      try {
        await client.indices.putIndexTemplate({
          name: template.name,
          ...template.body,
        });
      } catch (error) {
        throw toElasticsearchError(
          error,
          client,
          `installing index template ${template.name}`,
        );
      }
    }
    logger.debug("Index template {name} for {patterns}: {outcome}", {
      name: template.name,
      patterns: template.body.index_patterns.join(","),
      outcome,
    });
    outcomes.push({
      name: template.name,
      indexPatterns: [...template.body.index_patterns],
      outcome,
    });
  }
  return outcomes;
}

async function getInstalled(
  client: Client,
  name: string,
): Promise<unknown | null> {
  try {
    const response = await client.indices.getIndexTemplate({ name });
    const found = response.index_templates.find((entry) => entry.name === name);
    return found?.index_template ?? null;
  } catch (error) {
    if (
      error instanceof errors.ResponseError && error.meta.statusCode === 404
    ) {
      return null;
    }
    throw toElasticsearchError(
      error,
      client,
      `reading index template ${name}`,
    );
  }
}
