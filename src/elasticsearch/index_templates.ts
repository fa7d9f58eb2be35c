import {
  DEFAULT_ACTION_INDEX_PREFIX,
  DEFAULT_EPISODE_INDEX,
} from "../config/defaults.ts";
import { validateIndexName } from "./_index_name.ts";

/** A composable index template: its name and the body of `PUT _index_template/{name}`. */
export interface IndexTemplate {
  /** The template name. */
  name: string;
  /** The request body. */
  body: {
    index_patterns: string[];
    priority: number;
    template: { mappings: Record<string, unknown> };
    _meta: Record<string, unknown>;
  };
}

/** Which indexes the templates apply to. */
export interface IndexTemplateOptions {
  /** The episode index (`--es_index`); the template matches `<name>*`. @default {@linkcode DEFAULT_EPISODE_INDEX} */
  episodeIndex?: string;
  /** The prefix of the daily action indexes; the template matches `<prefix>*`. @default {@linkcode DEFAULT_ACTION_INDEX_PREFIX} */
  actionIndexPrefix?: string;
}

/**
 * Above the built-in templates (priority 100 and lower for `logs-*-*` and
 * friends), so ours wins wherever patterns overlap.
 */
const PRIORITY = 200;

/** Bump when a mapping below changes, so the change is visible in `_meta`. */
const TEMPLATE_VERSION = 1;

/**
 * Strings are `keyword` (the original's "not analyzed"). The limit keeps a
 * long value from failing the whole document: 8191 characters is at most
 * 32764 UTF-8 bytes, under Lucene's 32766-byte term limit.
 */
const KEYWORD = { type: "keyword", ignore_above: 8191 };
const DATE = { type: "date" };
const LONG = { type: "long" };
const DOUBLE = { type: "double" };
/**
 * `is_live` and `live_stream` are the numbers 1/0 in the record contract.
 * Elasticsearch 8 refuses 1/0 in a `boolean` field, so they are a small
 * integer.
 */
const FLAG = { type: "byte" };
/** Servers that do not log addresses send `-omitted-`, which must not fail a document. */
const IP = { type: "ip", ignore_malformed: true };

const STRINGS_AS_KEYWORDS = {
  strings_as_keywords: {
    match_mapping_type: "string",
    mapping: KEYWORD,
  },
};

/**
 * Builds the index templates the `setup` command installs: one for the
 * episode index, one for the daily action indexes. Pure.
 *
 * @throws {ConfigError} when an index name or prefix is not a valid index name
 */
export function buildIndexTemplates(
  options: IndexTemplateOptions = {},
): IndexTemplate[] {
  const {
    episodeIndex = DEFAULT_EPISODE_INDEX,
    actionIndexPrefix = DEFAULT_ACTION_INDEX_PREFIX,
  } = options;
  validateIndexName(episodeIndex, "the episode index (--es_index)");
  validateIndexName(
    actionIndexPrefix,
    "the action index prefix (--es-index-prefix)",
  );
  const meta = { managed_by: "ua-harvest", version: TEMPLATE_VERSION };
  return [
    {
      name: templateName(episodeIndex),
      body: {
        index_patterns: [`${episodeIndex}*`],
        priority: PRIORITY,
        template: {
          mappings: {
            dynamic_templates: [STRINGS_AS_KEYWORDS],
            properties: {
              title: KEYWORD,
              mpid: KEYWORD,
              duration: LONG,
              start: DATE,
              course: KEYWORD,
              series: KEYWORD,
              year: KEYWORD,
              term: KEYWORD,
              crn: KEYWORD,
              type: KEYWORD,
              description: KEYWORD,
              presenter_still: KEYWORD,
              presentation_still: KEYWORD,
              slides: {
                properties: { img: KEYWORD, time: KEYWORD },
              },
              live_stream: FLAG,
              live_start: DATE,
              live_end: DATE,
              live_duration: LONG,
              available: DATE,
            },
          },
        },
        _meta: { ...meta, description: "Episode documents (load_episodes)" },
      },
    },
    {
      name: templateName(actionIndexPrefix),
      body: {
        index_patterns: [`${actionIndexPrefix}*`],
        priority: PRIORITY,
        template: {
          mappings: {
            dynamic_templates: [
              // Before the string rule, which would otherwise claim proxyN.
              { proxies_as_ip: { match: "proxy*", mapping: IP } },
              STRINGS_AS_KEYWORDS,
            ],
            properties: {
              action_id: LONG,
              timestamp: DATE,
              mpid: KEYWORD,
              session_id: KEYWORD,
              huid: KEYWORD,
              useragent: KEYWORD,
              action: {
                properties: {
                  type: KEYWORD,
                  inpoint: DOUBLE,
                  outpoint: DOUBLE,
                  length: DOUBLE,
                  is_playing: { type: "boolean" },
                },
              },
              ip: IP,
              is_live: FLAG,
              episode: {
                properties: {
                  title: KEYWORD,
                  duration: LONG,
                  start: DATE,
                  course: KEYWORD,
                  series: KEYWORD,
                  year: KEYWORD,
                  term: KEYWORD,
                  cdn: KEYWORD,
                  type: KEYWORD,
                  description: KEYWORD,
                },
              },
            },
          },
        },
        _meta: { ...meta, description: "User actions (harvest --output es)" },
      },
    },
  ];
}

/** `ua-harvest-useractions` for `useractions-`: the name without trailing separators. */
function templateName(indexOrPrefix: string): string {
  return `ua-harvest-${indexOrPrefix.replace(/[-_.]+$/, "")}`;
}
