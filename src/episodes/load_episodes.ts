import {
  DEFAULT_CREATED_FROM_DAYS_AGO,
  DEFAULT_EPISODE_INDEX,
  DEFAULT_WORKFLOW_DEFINITION,
} from "../config/defaults.ts";
import type { Client } from "@elastic/elasticsearch";
import { getLogger } from "@logtape/logtape";
import { AuthenticationError, ConfigError, DeliveryError } from "../errors.ts";
import { parseOffsetTimestamp } from "../opencast/opencast_time.ts";
import type { Episode, Workflow } from "../opencast/types.ts";
import { validateIndexName } from "../elasticsearch/_index_name.ts";
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
import { listSourceMpids } from "./list_source_mpids.ts";
import { pickWorkflow } from "./pick_workflow.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** A page of the episode listing for a creation window (`listEpisodes`). */
export interface EpisodeWindowQuery {
  /** Window start, `YYYY-MM-DDTHH:mm:ssZ`. */
  createdFrom: string;
  /** Window end, `YYYY-MM-DDTHH:mm:ssZ`, fixed for the whole run. */
  createdTo: string;
  /** Page size. */
  limit: number;
  /** Row offset. */
  offset: number;
}

/** What `listEpisodes` answers: one page, newest first. */
export interface EpisodeWindowPage {
  /** The server's count of all listed episodes; `undefined` when it gave none. */
  total: number | undefined;
  /** The episodes of this page, newest first by `newestFirstBy`. */
  episodes: readonly Episode[];
  /**
   * The time the server sorted by, newest first: `created` (`dcCreated`; the
   * Solr era) or `modified` (OC 16+, which cannot sort by creation). Paging
   * stops once it is older than the window start: an episode is modified no
   * earlier than it is created.
   */
  newestFirstBy: "created" | "modified";
  /**
   * The server itself kept only the window (the DCE fork's `createdFrom`/
   * `createdTo`, trusted): an episode without a creation date is then kept.
   * @default false
   */
  windowApplied?: boolean;
}

/** A workflow lookup on the admin node (`fetchWorkflows`). */
export interface WorkflowQuery {
  /** The episode. */
  mediapackageId: string;
  /** Always `SUCCEEDED`. */
  state: string;
  /** The workflow definition (`--workflow-definition`). */
  definition: string;
}

/** Settings and sources of the `load_episodes` command. */
export interface LoadEpisodesOptions {
  /**
   * Lists episodes newest first (engage node); the window is applied here, so
   * the server may list others too (deleted ones where it can).
   */
  listEpisodes: (query: EpisodeWindowQuery) => Promise<EpisodeWindowPage>;
  /** Fetches one episode by id; `null` when there is none (engage node). */
  fetchEpisode: (id: string) => Promise<Episode | null>;
  /** Lists the workflows of an episode (admin node). */
  lookupWorkflows: (query: WorkflowQuery) => Promise<readonly Workflow[]>;
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

/** What a `load_episodes` run did. */
export interface LoadEpisodesSummary {
  /** Episodes found and turned into documents. */
  episodes: number;
  /** Documents Elasticsearch accepted. */
  indexed: number;
  /** Documents Elasticsearch did not accept. */
  failed: number;
  /** Episodes with no matching workflow (indexed without workflow fields). */
  workflowsMissing: number;
  /** Episodes whose workflow lookup failed (indexed without workflow fields). */
  workflowErrors: number;
  /** Requested ids (`--mpid`, source indexes) with no episode in Opencast. */
  notFound: number;
  /** Search pages fetched for the creation window (0 for id lists). */
  searchPages: number;
  /** Listed episodes left out as created outside the window (or undated). */
  outsideWindow: number;
  /** Wall time of the run. */
  seconds: number;
}

/**
 * The `load_episodes` command: selects episodes (a creation window by
 * default, or ids from `--mpid` and `--source-index-pattern`), looks up each
 * one's most recent successful workflow on the admin node, and bulk-indexes
 * one document per episode with `_id` = episode id. Checks Elasticsearch
 * before any Opencast request. A failed workflow lookup is logged and the
 * document is indexed without workflow fields; documents Elasticsearch does
 * not accept are logged, the run goes on, and it ends with a
 * `DeliveryError` naming them. When `signal` aborts, it rejects with
 * `signal.reason` and indexes nothing more, not even the page in progress.
 *
 * @throws {ConfigError} on bad settings, before any I/O
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
    sourceIndexPattern,
    sourceMpidField = "mpid",
    workflowDefinition = DEFAULT_WORKFLOW_DEFINITION,
    waitSeconds = 1,
    pageSize = 100,
    concurrency = 4,
    maxAttempts = 4,
    initialBackoffMs = 25,
    signal,
  } = options;
  validateIndexName(index, "the episode index (--es_index)");
  if (!(createdFromDaysAgo > 0) || !Number.isFinite(createdFromDaysAgo)) {
    throw new ConfigError(
      `Cannot load episodes created ${createdFromDaysAgo} days ago: --created_from_days_ago must be a positive number`,
    );
  }
  if (!(waitSeconds >= 0) || !Number.isFinite(waitSeconds)) {
    throw new ConfigError(
      `Cannot wait ${waitSeconds} seconds between pages: --wait must be 0 or more`,
    );
  }
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new ConfigError(
      `Cannot page ${pageSize} episodes at a time: the page size must be a whole number of 1 or more`,
    );
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(
      `Cannot run ${concurrency} lookups at a time: the concurrency must be a whole number of 1 or more`,
    );
  }
  if (workflowDefinition.trim() === "") {
    throw new ConfigError(
      "Cannot look up workflows without a definition: --workflow-definition is empty",
    );
  }
  if (sourceIndexPattern !== undefined && sourceIndexPattern.trim() === "") {
    throw new ConfigError(
      "Cannot list episode ids from an empty --source-index-pattern",
    );
  }
  const started = performance.now();
  const ownsClient = options.client === undefined;
  const client = options.client ??
    createElasticsearchClient(options.elasticsearch ?? { host: "" });
  try {
    await checkElasticsearch(client);

    const summary: LoadEpisodesSummary = {
      episodes: 0,
      indexed: 0,
      failed: 0,
      workflowsMissing: 0,
      workflowErrors: 0,
      notFound: 0,
      searchPages: 0,
      outsideWindow: 0,
      seconds: 0,
    };
    options.onSummary?.(summary);
    const failures: BulkFailure[] = [];
    const seen = new Set<string>();

    const pages = mpids.length > 0 || sourceIndexPattern !== undefined
      ? pagesById(summary)
      : pagesByWindow(summary);
    try {
      for await (const page of pages) {
        const episodes = page.filter((episode) => {
          if (seen.has(episode.id)) return false;
          seen.add(episode.id);
          return true;
        });
        if (episodes.length === 0) continue;
        const documents = await mapConcurrent(
          episodes,
          concurrency,
          async (episode) => {
            const workflow = await findWorkflow(episode.id, summary);
            return {
              index,
              id: episode.id,
              document: buildEpisodeDocument(episode, workflow),
            };
          },
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
        logger.debug("Indexed {indexed} of {count} episodes", {
          indexed: result.indexed,
          count: documents.length,
        });
      }
    } catch (error) {
      // Whatever a stop made fail (a lookup, a fetch, the pause), the run
      // ends with the signal's reason, so the caller sees a stop, not an error.
      if (signal?.aborted) {
        logger.info(
          "Stopped ({reason}) after indexing {indexed} episodes; a page whose lookups were cut short was not indexed",
          { reason: String(signal.reason), indexed: summary.indexed },
        );
        throw signal.reason;
      }
      throw error;
    }

    summary.seconds = Math.round(performance.now() - started) / 1000;
    // The command prints the summary; this is for debugging library use.
    logger.debug(
      "Loaded {indexed} of {episodes} episodes into {index} in {seconds} s ({failed} not accepted, {workflowsMissing} without a workflow, {workflowErrors} workflow lookups failed, {notFound} ids not found, {searchPages} search pages)",
      { ...summary, index },
    );
    if (failures.length > 0) {
      throw new DeliveryError(
        describeBulkFailures(failures, summary.episodes, "episode documents"),
      );
    }
    return summary;
  } finally {
    if (ownsClient) await client.close();
  }

  /**
   * The episodes created in the window. The server lists newest first (by
   * creation, or on OC 16+ by modification), so paging stops at the first
   * page that reaches past the window start instead of reading the whole
   * catalogue; the window itself is applied here, since only the DCE fork
   * filters by creation date.
   */
  async function* pagesByWindow(
    summary: LoadEpisodesSummary,
  ): AsyncGenerator<readonly Episode[]> {
    const end = options.now ?? new Date();
    const from = new Date(end.getTime() - createdFromDaysAgo * 86_400_000);
    const createdFrom = formatWindowBound(from);
    const createdTo = formatWindowBound(end);
    // The bounds as sent (whole seconds), so both sides agree at the edges.
    const fromMs = Date.parse(createdFrom);
    const toMs = Date.parse(createdTo);
    logger.debug("Listing episodes created from {createdFrom} to {createdTo}", {
      createdFrom,
      createdTo,
    });
    let offset = 0;
    // The last sort key seen; the order is checked, not assumed.
    let lastKey = Number.POSITIVE_INFINITY;
    let ordered = true;
    let byModified = false;
    let pagesRead = 0;
    const listed = new Set<string>();
    /** The episodes of a page that lie in the window and were not listed yet. */
    const fresh = (episodes: readonly Episode[], applied?: boolean) => {
      const inWindow: Episode[] = [];
      for (const episode of episodes) {
        if (listed.has(episode.id)) continue;
        const created = timeOf(episode.dcCreated);
        if (created === undefined) {
          if (applied) {
            inWindow.push(episode);
          } else {
            logger.warn(
              "Episode {mpid} has no creation date, so it cannot be placed in the window; skipping it (load it with --mpid)",
              { mpid: episode.id },
            );
          }
        } else if (created >= fromMs && created <= toMs) {
          inWindow.push(episode);
        }
      }
      for (const episode of inWindow) listed.add(episode.id);
      return inWindow;
    };
    for (let page = 0;; page += 1) {
      if (page > 0) await pause();
      const result = await options.listEpisodes({
        createdFrom,
        createdTo,
        limit: pageSize,
        offset,
      });
      summary.searchPages += 1;
      pagesRead += 1;
      if (result.episodes.length === 0) break;
      byModified = result.newestFirstBy === "modified";
      for (const episode of result.episodes) {
        const key = result.newestFirstBy === "created"
          ? timeOf(episode.dcCreated)
          : timeOf(episode.modified);
        if (key !== undefined) {
          if (key > lastKey && ordered) {
            ordered = false;
            logger.warn(
              "Opencast search did not list episodes newest first by {sort} (episode {mpid}): reading every page instead of stopping at the window start",
              { sort: result.newestFirstBy, mpid: episode.id },
            );
          }
          lastKey = key;
        }
      }
      const inWindow = fresh(result.episodes, result.windowApplied);
      summary.outsideWindow += result.episodes.length - inWindow.length;
      if (inWindow.length > 0) yield inWindow;
      // Advance by what came back, in case the server capped the page size.
      offset += result.episodes.length;
      if (ordered && lastKey < fromMs) break;
      // Without a count, only an empty page says the listing is over.
      if (result.total !== undefined && offset >= result.total) break;
    }
    // Sorted by modification (OC 16+), an episode modified between two page
    // reads moves to the front, past the offsets already read: after more
    // than one page, look at the front once more for what changed since the
    // run began.
    if (!byModified || pagesRead < 2) return;
    await pause();
    const again = await options.listEpisodes({
      createdFrom,
      createdTo,
      limit: pageSize,
      offset: 0,
    });
    summary.searchPages += 1;
    // What was not listed yet: no clock comparison, the server's and this
    // host's clocks need not agree.
    const late = fresh(again.episodes, again.windowApplied);
    if (late.length > 0) yield late;
  }

  async function* pagesById(
    summary: LoadEpisodesSummary,
  ): AsyncGenerator<readonly Episode[]> {
    const ids = new Set(mpids.map((id) => id.trim()).filter((id) => id));
    if (sourceIndexPattern !== undefined) {
      const found = await listSourceMpids(client, sourceIndexPattern, {
        field: sourceMpidField,
      });
      logger.debug("Found {count} episode ids in {pattern}", {
        count: found.length,
        pattern: sourceIndexPattern,
      });
      for (const id of found) ids.add(id);
    }
    const all = [...ids];
    for (let start = 0; start < all.length; start += pageSize) {
      if (start > 0) await pause();
      const chunk = all.slice(start, start + pageSize);
      const episodes = await mapConcurrent(chunk, concurrency, async (id) => {
        const episode = await options.fetchEpisode(id);
        if (episode === null) {
          summary.notFound += 1;
          logger.warn("No episode {mpid} in Opencast; skipping it", {
            mpid: id,
          });
        }
        return episode;
      });
      yield episodes.filter((episode): episode is Episode => episode !== null);
    }
  }

  async function findWorkflow(
    mediapackageId: string,
    summary: LoadEpisodesSummary,
  ): Promise<Workflow | null> {
    let workflows: readonly Workflow[];
    try {
      workflows = await options.lookupWorkflows({
        mediapackageId,
        state: "SUCCEEDED",
        definition: workflowDefinition,
      });
    } catch (error) {
      // Wrong admin credentials fail every lookup alike: stop, someone must act.
      if (error instanceof AuthenticationError) throw error;
      // A lookup cut short by a stop says nothing about the workflow: it must
      // not become a document without workflow fields.
      if (signal?.aborted) throw error;
      summary.workflowErrors += 1;
      logger.error(
        "Workflow lookup for episode {mpid} failed, indexing it without live and availability times: {reason}",
        { mpid: mediapackageId, reason: (error as Error)?.message ?? error },
      );
      return null;
    }
    const workflow = pickWorkflow(workflows, {
      state: "SUCCEEDED",
      definition: workflowDefinition,
    });
    if (workflow === null) {
      summary.workflowsMissing += 1;
      logger.debug("No {definition} workflow for episode {mpid}", {
        definition: workflowDefinition,
        mpid: mediapackageId,
      });
    }
    return workflow;
  }

  /** The `--wait` between pages; rejects with the reason once aborted. */
  async function pause(): Promise<void> {
    signal?.throwIfAborted();
    await sleep(waitSeconds * 1000, { signal });
    signal?.throwIfAborted();
  }
}

/**
 * Epoch milliseconds of a search timestamp: `dcCreated`/`modified` with an
 * offset (`…-04:00`, `…Z`), or a bare `YYYY-MM-DD` (Dublin Core allows dates),
 * read as UTC midnight; `undefined` when absent or unreadable.
 */
function timeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const instant = parseOffsetTimestamp(text);
  if (instant !== null) return instant.epochMilliseconds;
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim())
    ? Date.parse(text.trim())
    : undefined;
}

/** `YYYY-MM-DDTHH:mm:ssZ`, the form the search endpoint's created bounds take. */
function formatWindowBound(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
