/**
 * Matomo's visit log as an action source (issue 19, matomo-api.md): the
 * viewer actions of an Opencast 18+ site's Paella players, read visit page by
 * visit page (see `visitPages()`), each action's site-zone time back to UTC,
 * mapped to viewer actions (see `visitViewerActions()`).
 *
 * Exactly once, with visits that arrive late: every run reads again the
 * overlap before its window (`holdBackSeconds`, 30 minutes by default), and
 * the position keeps the ids of the actions handled from there on (records,
 * skipped actions and actions before the window alike, so they form a few
 * ranges), which are dropped when read again. Visits come in the order of
 * their last action, not their actions', so the checkpoint's mark moves only
 * when a window is finished (`progress: "position"`).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import {
  DEFAULT_MATOMO_TAIL_VISITS_PER_PAGE,
  DEFAULT_MATOMO_VISITS_PER_PAGE,
  MATOMO_VISIT_TAIL_SECONDS,
} from "../../config/defaults.ts";
import type { ViewerAction } from "../../record/viewer_action.ts";
import { type Clock, SYSTEM_CLOCK } from "../../util/clock.ts";
import type {
  ActionSource,
  ReadOptions,
  SourceBatch,
  SourceWindow,
} from "../action_source.ts";
import type { LastVisitsQuery } from "./matomo_client.ts";
import { matomoPosition, readMatomoPosition } from "./matomo_position.ts";
import {
  MATOMO_SKIP_REASONS,
  type MatomoSkipReason,
  type MatomoVisit,
} from "./matomo_types.ts";
import { visitPages } from "./visit_pages.ts";
import { visitViewerActions } from "./visit_viewer_actions.ts";

/** The name Matomo's checkpoints are kept under (`ActionSource.name`). */
export const MATOMO_SOURCE = "matomo";

/** Options for {@linkcode createMatomoSource}. */
export interface MatomoSourceOptions {
  /** Reads one page of visits (`MatomoClient.lastVisits`). */
  readonly lastVisits: (query: LastVisitsQuery) => Promise<MatomoVisit[]>;
  /** Requests sent to Matomo so far (`MatomoClient.stats.requests`). */
  readonly requests: () => number;
  readonly idSite: number;
  /** The site's zone, as `siteTimeZone()` gives it. */
  readonly timeZone: string;
  /** The episode dimension's id; `null` for none. */
  readonly episodeDimension: number | null;
  /** How far back each run reads again (`--matomo-overlap`), seconds. */
  readonly overlapSeconds: number;
  /**
   * The visit Matomo holds with the oldest last action (`null`: none): a
   * window before it finds nothing, which is said.
   */
  readonly oldestVisit: Pick<MatomoVisit, "lastActionTimestamp"> | null;
  /** For the description (a host and path, never the token). */
  readonly host: string;
  /** Pause between list pages (`--wait`), ms. @default 0 */
  readonly waitMs?: number;
  /** How the pause is taken. @default SYSTEM_CLOCK.sleep */
  readonly sleep?: Clock["sleep"];
  /** @default {@linkcode DEFAULT_MATOMO_VISITS_PER_PAGE} */
  readonly visitsPerPage?: number;
  /** @default {@linkcode DEFAULT_MATOMO_TAIL_VISITS_PER_PAGE} */
  readonly tailVisitsPerPage?: number;
  /** How far past a window's end its visits are looked for, seconds. @default {@linkcode MATOMO_VISIT_TAIL_SECONDS} */
  readonly tailSeconds?: number;
}

const logger = getLogger(["ua-harvest", "harvest"]);

function noneSkipped(): Record<MatomoSkipReason, number> {
  return Object.fromEntries(
    MATOMO_SKIP_REASONS.map((reason) => [reason, 0]),
  ) as Record<MatomoSkipReason, number>;
}

/** Creates the Matomo source for a site already read (see `openMatomoSource()`). */
export function createMatomoSource(options: MatomoSourceOptions): ActionSource {
  const {
    idSite,
    timeZone,
    episodeDimension,
    overlapSeconds,
    waitMs = 0,
    sleep = SYSTEM_CLOCK.sleep,
    visitsPerPage = DEFAULT_MATOMO_VISITS_PER_PAGE,
    tailVisitsPerPage = DEFAULT_MATOMO_TAIL_VISITS_PER_PAGE,
    tailSeconds = MATOMO_VISIT_TAIL_SECONDS,
  } = options;
  const skipped = noneSkipped();

  async function* read(
    window: SourceWindow,
    readOptions: ReadOptions = {},
  ): AsyncGenerator<SourceBatch> {
    const { signal } = readOptions;
    const { pageIds, truncated } = readMatomoPosition(window.position);
    const warned = new Set(truncated);
    const seenTruncated = new Set<number>();
    const startMs = Math.floor(window.start.epochMilliseconds / 1000) * 1000;
    const endSecond = Math.floor(window.end.epochMilliseconds / 1000);
    // The next window starts no earlier than this (the end held back by the
    // overlap): what was read from here on must stay in the position.
    const keepFrom = endSecond - overlapSeconds;
    let lowestKeptId = Infinity;
    let found = 0;

    /** Notes an action read; whether it is new and in the window. */
    function handle(id: number, ms: number): boolean {
      const second = Math.floor(ms / 1000);
      if (second >= keepFrom && id < lowestKeptId) lowestKeptId = id;
      // After the window: the next one delivers it.
      if (second > endSecond || pageIds.has(id)) return false;
      pageIds.add(id);
      if (ms < startMs) return false;
      found++;
      return true;
    }

    function actionsOf(visit: MatomoVisit): ViewerAction[] {
      if (visit.truncatedActionsCount > 0) {
        seenTruncated.add(visit.idVisit);
        if (!warned.has(visit.idVisit)) {
          warned.add(visit.idVisit);
          logger.warn(
            "Matomo visit {idVisit} has {count} more actions than Matomo shows (visitor_log_maximum_actions_per_visit, first {shown} shown): they cannot be harvested",
            {
              idVisit: visit.idVisit,
              count: visit.truncatedActionsCount,
              shown: visit.actions.length,
            },
          );
        }
      }
      const fresh: ViewerAction[] = [];
      const mapped = visitViewerActions(visit, {
        timeZone,
        episodeDimension,
        onSkip: (action, reason, instant) => {
          if (handle(action.pageId, instant.epochMilliseconds)) {
            skipped[reason]++;
          }
        },
      });
      let created = "";
      let ms = 0;
      for (const action of mapped.actions) {
        // Actions of one second share their `created` string.
        if (action.created !== created) {
          created = action.created;
          ms = Date.parse(created);
        }
        if (handle(action.id, ms)) fresh.push(action);
      }
      return fresh;
    }

    const pages = visitPages({
      lastVisits: options.lastVisits,
      idSite,
      after: startMs / 1000 - 1,
      end: endSecond,
      until: endSecond + tailSeconds,
      visitsPerPage,
      tailVisitsPerPage,
      pause: waitMs > 0 ? () => sleep(waitMs, signal) : undefined,
      signal,
    });
    for await (const page of pages) {
      const actions = page.visits.flatMap(actionsOf);
      yield {
        actions,
        pages: page.requests,
        probes: 0,
        position: matomoPosition({ pageIds, truncated: warned }),
      };
      if (signal?.aborted) return;
    }
    // Read to the end: the ids from before the next window's start go.
    if (startMs / 1000 <= keepFrom) pageIds.deleteBelow(lowestKeptId);
    if (found === 0 && !window.continuesCheckpoint) warnIfDeleted(window);
    yield {
      actions: [],
      pages: 0,
      probes: 0,
      position: matomoPosition({
        pageIds,
        truncated: new Set([...warned].filter((id) => seenTruncated.has(id))),
      }),
    };
  }

  /** A window before the oldest visit Matomo holds finds nothing: say why. */
  function warnIfDeleted(window: SourceWindow): void {
    const oldest = options.oldestVisit;
    const end = Math.floor(window.end.epochMilliseconds / 1000);
    if (oldest !== null && oldest.lastActionTimestamp <= end) return;
    logger.warn(
      oldest === null
        ? "Matomo holds no visits of site {idSite} at all, so the window from {start} to {end} finds nothing (is MATOMO_SITE_ID the site the players track?)"
        : "Matomo holds no visits of site {idSite} before {oldest}, so the window from {start} to {end} finds nothing: Matomo deletes old raw data when its privacy settings say so (Administration > Privacy > Anonymize data)",
      {
        idSite,
        start: window.start.toString(),
        end: window.end.toString(),
        oldest: oldest === null ? null : Temporal.Instant.fromEpochMilliseconds(
          oldest.lastActionTimestamp * 1000,
        ).toString(),
      },
    );
  }

  return {
    name: MATOMO_SOURCE,
    variant: "matomo",
    description: `Matomo at ${options.host} (site ${idSite})`,
    holdBackSeconds: overlapSeconds,
    progress: "position",
    get skippedByReason() {
      return skipped;
    },
    read,
    get requests() {
      return options.requests();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}
