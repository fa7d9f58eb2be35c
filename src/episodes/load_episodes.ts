/**
 * The `load_episodes` loop: select episodes, find each one's workflow, and
 * bulk-index one document per episode.
 *
 * @module
 */
import {
  DEFAULT_CREATED_FROM_DAYS_AGO,
  DEFAULT_EPISODE_INDEX,
  DEFAULT_WORKFLOW_DEFINITION,
} from "../config/defaults.ts";
import type { Client } from "@elastic/elasticsearch";
import { getLogger } from "@logtape/logtape";
import { DeliveryError } from "../errors.ts";
import type { Episode } from "../opencast/types.ts";
import { type BulkFailure, bulkIndex } from "../elasticsearch/bulk_index.ts";
import { checkElasticsearch } from "../elasticsearch/check_elasticsearch.ts";
import { describeBulkFailures } from "../elasticsearch/describe_bulk_failures.ts";
import {
  createElasticsearchClient,
  type ElasticsearchClientOptions,
} from "../elasticsearch/elasticsearch_client.ts";
import { mapConcurrent } from "../util/map_concurrent.ts";
import { sleep } from "../util/sleep.ts";
import { buildEpisodeDocument } from "./episode_document.ts";
import { episodeIdPages } from "./episode_id_pages.ts";
import {
  episodeWindowPages,
  type EpisodeWindowPagesOptions,
} from "./episode_window_pages.ts";
import { listSourceMpids } from "./list_source_mpids.ts";
import {
  emptyLoadEpisodesSummary,
  type LoadEpisodesSummary,
} from "./load_episodes_summary.ts";
import {
  createWorkflowFinder,
  type WorkflowFinderOptions,
} from "./workflow_finder.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/**
 * Settings and sources of one run. The settings are validated by the
 * command's resolver (`resolveLoadEpisodesSettings`) before they come here.
 */
export interface LoadEpisodesOptions {
  /** Lists episodes newest first (engage node); the window is applied here. */
  listEpisodes: EpisodeWindowPagesOptions["listEpisodes"];
  /** Fetches one episode by id; `null` when there is none (engage node). */
  fetchEpisode: (id: string) => Promise<Episode | null>;
  /** Lists the workflows of an episode (admin node). */
  lookupWorkflows: WorkflowFinderOptions["lookupWorkflows"];
  /** The cluster; required unless `client` is given. */
  elasticsearch?: ElasticsearchClientOptions;
  /** A client to use instead of creating one; not closed here. */
  client?: Client;
  /** The episode index (`--es_index`, `EPISODE_INDEX_NAME`). @default {@linkcode DEFAULT_EPISODE_INDEX} */
  index?: string;
  /** Load episodes created this many days ago until now (`--created_from_days_ago`). @default {@linkcode DEFAULT_CREATED_FROM_DAYS_AGO} */
  createdFromDaysAgo?: number;
  /** Load these episodes instead of a creation window (`--mpid`, repeatable). @default [] */
  mpids?: readonly string[];
  /**
   * Load the episodes whose ids appear in the action indexes matching this
   * pattern instead of a creation window (`--source-index-pattern`).
   */
  sourceIndexPattern?: string;
  /** The field holding the episode id in those indexes. @default "mpid" */
  sourceMpidField?: string;
  /** The workflow definition to read live times from (`--workflow-definition`). @default {@linkcode DEFAULT_WORKFLOW_DEFINITION} */
  workflowDefinition?: string;
  /** Seconds to wait between pages of Opencast requests (`--wait`). @default 1 */
  waitSeconds?: number;
  /** Episodes per page (search page size and bulk batch). @default 100 */
  pageSize?: number;
  /** Workflow lookups (and, for id lists, episode fetches) in flight at once. @default 4 */
  concurrency?: number;
  /** Attempts per document (429 and 5xx items are resent). @default 4 */
  maxAttempts?: number;
  /** The first wait after Elasticsearch pushed back, in milliseconds. @default 25 */
  initialBackoffMs?: number;
  /** The end of the creation window. @default the current time */
  now?: Date;
  /**
   * Stops the run when aborted: the promise rejects with `signal.reason`, and
   * the page in progress is not indexed (pages before it are).
   */
  signal?: AbortSignal;
  /**
   * Receives the run's summary as soon as it starts counting; it goes on
   * counting, so a caller can read a failed run's counts too.
   */
  onSummary?: (summary: Readonly<LoadEpisodesSummary>) => void;
}

/**
 * Selects episodes (a creation window by default, or ids from `--mpid` and
 * `--source-index-pattern`), finds each one's most recent successful
 * workflow on the admin node, and bulk-indexes one document per episode with
 * `_id` = episode id. Checks Elasticsearch before any Opencast request.
 * Documents Elasticsearch does not accept are logged, the run goes on, and
 * it ends with a `DeliveryError` naming them. When `signal` aborts, it
 * rejects with `signal.reason` and indexes nothing more, not even the page
 * in progress.
 *
 * @throws {UnreachableError | AuthenticationError | ApiContractError} from Elasticsearch or Opencast
 * @throws {DeliveryError} when some documents were not accepted
 */
export async function loadEpisodes(
  options: LoadEpisodesOptions,
): Promise<LoadEpisodesSummary> {
  const {
    index = DEFAULT_EPISODE_INDEX,
    createdFromDaysAgo = DEFAULT_CREATED_FROM_DAYS_AGO,
    mpids = [],
    sourceMpidField = "mpid",
    workflowDefinition = DEFAULT_WORKFLOW_DEFINITION,
    waitSeconds = 1,
    pageSize = 100,
    concurrency = 4,
    maxAttempts = 4,
    initialBackoffMs = 25,
    signal,
  } = options;
  const started = performance.now();
  const client = options.client ??
    createElasticsearchClient(options.elasticsearch ?? { host: "" });
  try {
    await checkElasticsearch(client);
    const summary = emptyLoadEpisodesSummary();
    options.onSummary?.(summary);
    const pages = selectEpisodes({
      ...options,
      mpids,
      sourceMpidField,
      createdFromDaysAgo,
      pageSize,
      concurrency,
      client,
      pause: () => pauseBetweenPages(waitSeconds, signal),
      summary,
    });
    const findWorkflow = createWorkflowFinder({
      lookupWorkflows: options.lookupWorkflows,
      definition: workflowDefinition,
      signal,
      summary,
    });
    const failures: BulkFailure[] = [];
    try {
      for await (const episodes of eachOnce(pages)) {
        const documents = await mapConcurrent(
          episodes,
          concurrency,
          async (episode) => ({
            index,
            id: episode.id,
            document: buildEpisodeDocument(
              episode,
              await findWorkflow(episode.id),
            ),
          }),
        );
        // A stop cuts workflow lookups short, and a document built from a
        // cut-short lookup lacks its live and availability fields: indexing
        // it would overwrite a full document. Index no page after a stop.
        signal?.throwIfAborted();
        const result = await bulkIndex(client, documents, {
          maxAttempts,
          initialBackoffMs,
        });
        summary.episodes += episodes.length;
        summary.indexed += result.indexed;
        summary.failed += result.failures.length;
        for (const failure of result.failures) {
          logger.error(
            "Elasticsearch did not accept episode {id} in {index}: {status} {reason}",
            { ...failure },
          );
          failures.push(failure);
        }
      }
    } catch (error) {
      // Whatever a stop made fail (a lookup, a fetch, the pause), the run
      // ends with the signal's reason, so the caller sees a stop, not an error.
      if (!signal?.aborted) throw error;
      logger.info(
        "Stopped ({reason}) after indexing {indexed} episodes; a page whose lookups were cut short was not indexed",
        { reason: String(signal.reason), indexed: summary.indexed },
      );
      throw signal.reason;
    }
    summary.seconds = Math.round(performance.now() - started) / 1000;
    if (failures.length > 0) {
      throw new DeliveryError(
        describeBulkFailures(failures, summary.episodes, "episode documents"),
      );
    }
    return summary;
  } finally {
    if (options.client === undefined) await client.close();
  }
}

/** The `--wait` between pages; rejects with the signal's reason once aborted. */
async function pauseBetweenPages(
  seconds: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  signal?.throwIfAborted();
  await sleep(seconds * 1000, { signal });
  signal?.throwIfAborted();
}

/** The pages without the episodes an earlier page had; empty pages dropped. */
async function* eachOnce(
  pages: AsyncIterable<readonly Episode[]>,
): AsyncGenerator<readonly Episode[]> {
  const seen = new Set<string>();
  for await (const page of pages) {
    const fresh = page.filter((episode) => !seen.has(episode.id));
    for (const episode of fresh) seen.add(episode.id);
    if (fresh.length > 0) yield fresh;
  }
}

/**
 * The episodes the run indexes, page by page: those of the given ids
 * (`--mpid`, `--source-index-pattern`), else those created in the window.
 */
function selectEpisodes(
  options: LoadEpisodesOptions & {
    readonly mpids: readonly string[];
    readonly sourceMpidField: string;
    readonly createdFromDaysAgo: number;
    readonly pageSize: number;
    readonly concurrency: number;
    readonly client: Client;
    readonly pause: () => Promise<void>;
    readonly summary: LoadEpisodesSummary;
  },
): AsyncGenerator<readonly Episode[]> {
  const { mpids, sourceIndexPattern, client } = options;
  if (mpids.length === 0 && sourceIndexPattern === undefined) {
    return episodeWindowPages({ ...options, now: options.now ?? new Date() });
  }
  return episodeIdPages({
    ...options,
    ...(sourceIndexPattern === undefined ? {} : {
      listSourceIds: () =>
        listSourceMpids(client, sourceIndexPattern, {
          field: options.sourceMpidField,
        }),
    }),
  });
}
