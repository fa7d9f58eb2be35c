/**
 * The episodes created in `load_episodes`' window, page by page, from a
 * listing that comes newest first.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { parseOffsetTimestamp } from "../opencast/opencast_time.ts";
import type { Episode } from "../opencast/types.ts";
import type { LoadEpisodesSummary } from "./load_episodes_summary.ts";

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

/** Options for {@linkcode episodeWindowPages}. */
export interface EpisodeWindowPagesOptions {
  /** Lists episodes newest first (the engage node's search). */
  readonly listEpisodes: (
    query: EpisodeWindowQuery,
  ) => Promise<EpisodeWindowPage>;
  /** The window: this many days before `now` until `now`. */
  readonly createdFromDaysAgo: number;
  /** The end of the window. */
  readonly now: Date;
  /** Episodes asked for per page. */
  readonly pageSize: number;
  /** The `--wait` between two requests; rejects once the run is stopped. */
  readonly pause: () => Promise<void>;
  /** Where the search pages and the episodes listed outside the window are counted. */
  readonly summary: Pick<LoadEpisodesSummary, "searchPages" | "outsideWindow">;
}

/**
 * The episodes created in the window, each once. The server lists newest
 * first (by creation, or on OC 16+ by modification), so paging stops at the
 * first page that reaches past the window start instead of reading the
 * whole catalogue; the window itself is applied here, since only the DCE
 * fork filters by creation date. Should the listing not come newest first,
 * a warning says so and every page is read.
 */
export async function* episodeWindowPages(
  options: EpisodeWindowPagesOptions,
): AsyncGenerator<readonly Episode[]> {
  const { listEpisodes, pageSize, pause, summary } = options;
  const end = options.now;
  const from = new Date(
    end.getTime() - options.createdFromDaysAgo * 86_400_000,
  );
  const createdFrom = formatWindowBound(from);
  const createdTo = formatWindowBound(end);
  // The bounds as sent (whole seconds), so both sides agree at the edges.
  const fromMs = Date.parse(createdFrom);
  const toMs = Date.parse(createdTo);
  logger.debug("Listing episodes created from {createdFrom} to {createdTo}", {
    createdFrom,
    createdTo,
  });
  const listed = new Set<string>();
  /** The episodes of a page that lie in the window and were not listed yet. */
  const fresh = (page: EpisodeWindowPage) => {
    const inWindow = page.episodes.filter((episode) => {
      if (listed.has(episode.id)) return false;
      const created = timeOf(episode.dcCreated);
      if (created !== undefined) return created >= fromMs && created <= toMs;
      if (!page.windowApplied) {
        logger.warn(
          "Episode {mpid} has no creation date, so it cannot be placed in the window; skipping it (load it with --mpid)",
          { mpid: episode.id },
        );
      }
      return page.windowApplied === true;
    });
    for (const episode of inWindow) listed.add(episode.id);
    return inWindow;
  };
  const list = async (offset: number) => {
    const page = await listEpisodes({
      createdFrom,
      createdTo,
      limit: pageSize,
      offset,
    });
    summary.searchPages += 1;
    return page;
  };
  let offset = 0;
  // The last sort key seen; the order is checked, not assumed.
  let lastKey = Number.POSITIVE_INFINITY;
  let ordered = true;
  let byModified = false;
  let pagesRead = 0;
  for (;;) {
    if (pagesRead > 0) await pause();
    const page = await list(offset);
    pagesRead += 1;
    if (page.episodes.length === 0) break;
    byModified = page.newestFirstBy === "modified";
    for (const episode of page.episodes) {
      const key = timeOf(byModified ? episode.modified : episode.dcCreated);
      if (key === undefined) continue;
      if (key > lastKey && ordered) {
        ordered = false;
        logger.warn(
          "Opencast search did not list episodes newest first by {sort} (episode {mpid}): reading every page instead of stopping at the window start",
          { sort: page.newestFirstBy, mpid: episode.id },
        );
      }
      lastKey = key;
    }
    const inWindow = fresh(page);
    summary.outsideWindow += page.episodes.length - inWindow.length;
    if (inWindow.length > 0) yield inWindow;
    // Advance by what came back, in case the server capped the page size.
    offset += page.episodes.length;
    if (ordered && lastKey < fromMs) break;
    // Without a count, only an empty page says the listing is over.
    if (page.total !== undefined && offset >= page.total) break;
  }
  // Sorted by modification (OC 16+), an episode modified between two page
  // reads moves to the front, past the offsets already read: after more
  // than one page, look at the front once more for what changed since the
  // run began (no clock comparison: the server's and this host's clocks
  // need not agree).
  if (!byModified || pagesRead < 2) return;
  await pause();
  const late = fresh(await list(0));
  if (late.length > 0) yield late;
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
