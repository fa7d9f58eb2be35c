/**
 * One Matomo visit to the viewer actions it holds (record-schema.md §1a,
 * issue 19): the pure mapping, with what it skips counted by reason.
 *
 * - `id` is the action's `pageId`, `sessionId` the visit's `idVisit`,
 *   `userId` its `userId` (`null` when absent or `anonymous`), `userIp` its
 *   `visitIp` as Matomo stores it; Matomo keeps no user agent.
 * - The episode (`mediapackageId`) is the action's episode dimension, else
 *   the `id=` of a player page URL, else an event name that is a
 *   mediapackage id (Paella 7 names every event by its video).
 * - Types: a page view that names its episode is `VIEW`; a `PaellaPlayer`
 *   event `paella:play` is `PLAY`, `paella:seek` `SEEK`, and so on: the
 *   action upper-cased without the `paella:` prefix. A seek's `outpoint` is
 *   its target second when the event name is a number; every other
 *   position field is `null`.
 * - Skipped, by reason: `paella:timeupdate` events, events of other
 *   categories, page views and events that name no episode, other action
 *   types (outlinks, downloads, searches…).
 * - `created` is the action's instant in UTC (its `timestamp` is site-zone
 *   wall time: {@linkcode visitActionInstants}).
 *
 * @module
 */
import type { ViewerAction } from "../../record/viewer_action.ts";
import type {
  MatomoAction,
  MatomoSkipReason,
  MatomoVisit,
} from "./matomo_types.ts";
import { visitActionInstants } from "./site_time.ts";
import { formatUtcOffset } from "../../opencast/opencast_time.ts";

/** Options of {@linkcode visitViewerActions}. */
export interface VisitViewerActionsOptions {
  /** The site's zone, as `siteTimeZone()` gives it. */
  readonly timeZone: string;
  /** The episode dimension's id (`chooseEpisodeDimension()`); `null` for none. */
  readonly episodeDimension: number | null;
  /**
   * Told each action that is not a viewer action, with why and its instant
   * (a harvest counts them once, and keeps their ids). @default {undefined}
   */
  readonly onSkip?: (
    action: MatomoAction,
    reason: MatomoSkipReason,
    instant: Temporal.Instant,
  ) => void;
}

/** What a visit gives. */
export interface VisitViewerActions {
  /** The visit's viewer actions, in its order. */
  readonly actions: ViewerAction[];
  /** Its other actions, counted by why they are not records. */
  readonly skipped: Record<MatomoSkipReason, number>;
  /** Matomo cut the visit's actions: its id and how many are missing, for a warning. */
  readonly truncated:
    | { readonly idVisit: number; readonly count: number }
    | null;
}

/** The event category of the Paella player's Matomo plugin (`PaellaPlayer`), lower-cased. */
const PAELLA_CATEGORY = "paellaplayer";
const PAELLA_PREFIX = "paella:";
const TIMEUPDATE = "paella:timeupdate";
/** A mediapackage id as Opencast makes them: a UUID. */
const MEDIAPACKAGE_ID_REGEXP =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Opencast's players: Paella 6–8 `…/ui/watch.html`, the engage UIs. */
const PLAYER_PATH_REGEXP = /\/watch\.html$|\/engage\//;
const SEEK_TARGET_REGEXP = /^\d+(?:\.\d+)?$/;

/** Whether `text` is a mediapackage id (a UUID). */
export function isMediapackageId(text: string): boolean {
  return MEDIAPACKAGE_ID_REGEXP.test(text);
}

// Events repeat their page's URL: parse each URL once.
const urlEpisodes = new Map<string, string | null>();
const URL_CACHE_SIZE = 4096;

/**
 * The episode a page URL names: the `id=` of a player page (Paella's
 * `watch.html`, the engage UIs), or a mediapackage id in `id=` of any page.
 * `null` otherwise (an LMS page's `id=` is its own).
 */
export function playerUrlEpisode(url: string): string | null {
  const cached = urlEpisodes.get(url);
  if (cached !== undefined) return cached;
  let episode: string | null = null;
  try {
    const parsed = new URL(url);
    const id = parsed.searchParams.get("id");
    if (
      id && (PLAYER_PATH_REGEXP.test(parsed.pathname) || isMediapackageId(id))
    ) {
      episode = id;
    }
  } catch {
    // Matomo may keep a URL without a scheme: no player page then.
  }
  if (urlEpisodes.size >= URL_CACHE_SIZE) urlEpisodes.clear();
  urlEpisodes.set(url, episode);
  return episode;
}

function noneSkipped(): Record<MatomoSkipReason, number> {
  return {
    "timeupdate": 0,
    "other-category": 0,
    "page-without-episode": 0,
    "event-without-episode": 0,
    "other-type": 0,
  };
}

/**
 * The viewer actions of one visit.
 *
 * @example Usage
 * ```ts ignore
 * const { actions, skipped, truncated } = visitViewerActions(visit, {
 *   timeZone: "Europe/Berlin",
 *   episodeDimension: 1,
 * });
 * ```
 */
export function visitViewerActions(
  visit: MatomoVisit,
  options: VisitViewerActionsOptions,
): VisitViewerActions {
  const { timeZone, episodeDimension, onSkip } = options;
  const instants = visitActionInstants({
    firstActionTimestamp: visit.firstActionTimestamp,
    lastActionTimestamp: visit.lastActionTimestamp,
    timestamps: visit.actions.map((action) => action.timestamp),
  }, timeZone);
  const skipped = noneSkipped();
  const actions: ViewerAction[] = [];
  const sessionId = String(visit.idVisit);
  const userId = visit.userId === null || visit.userId === "anonymous"
    ? null
    : visit.userId;
  let createdSeconds: bigint | undefined;
  let created = "";
  visit.actions.forEach((action, index) => {
    const kind = classify(action, episodeDimension);
    if ("skip" in kind) {
      skipped[kind.skip]++;
      onSkip?.(action, kind.skip, instants[index]!);
      return;
    }
    const instant = instants[index]!;
    if (instant.epochNanoseconds !== createdSeconds) {
      createdSeconds = instant.epochNanoseconds;
      // `…+00:00` as Temporal writes it, by the fast path for whole seconds.
      created = formatUtcOffset(instant);
    }
    actions.push({
      id: action.pageId,
      mediapackageId: kind.mediapackageId,
      sessionId,
      userId,
      userIp: visit.visitIp,
      userAgent: null,
      inpoint: null,
      outpoint: kind.outpoint,
      length: null,
      type: kind.type,
      isPlaying: null,
      created,
      source: "matomo",
    });
  });
  return {
    actions,
    skipped,
    truncated: visit.truncatedActionsCount > 0
      ? { idVisit: visit.idVisit, count: visit.truncatedActionsCount }
      : null,
  };
}

type Kind =
  | { readonly skip: MatomoSkipReason }
  | {
    readonly type: string;
    readonly mediapackageId: string;
    readonly outpoint: number | null;
  };

function classify(action: MatomoAction, episodeDimension: number | null): Kind {
  const fromDimension = episodeDimension === null
    ? undefined
    : action.dimensions.get(episodeDimension);
  if (action.type === "action") {
    const mediapackageId = fromDimension ??
      (action.url === undefined ? null : playerUrlEpisode(action.url));
    return mediapackageId
      ? { type: "VIEW", mediapackageId, outpoint: null }
      : { skip: "page-without-episode" };
  }
  const eventAction = action.eventAction;
  if (action.type !== "event" || !eventAction) return { skip: "other-type" };
  if (action.eventCategory?.toLowerCase() !== PAELLA_CATEGORY) {
    return { skip: "other-category" };
  }
  if (eventAction === TIMEUPDATE) return { skip: "timeupdate" };
  const name = action.eventName;
  const mediapackageId = fromDimension ??
    (action.url === undefined ? null : playerUrlEpisode(action.url)) ??
    (name !== undefined && isMediapackageId(name) ? name : null);
  if (!mediapackageId) return { skip: "event-without-episode" };
  const type =
    (eventAction.startsWith(PAELLA_PREFIX)
      ? eventAction.slice(PAELLA_PREFIX.length)
      : eventAction).toUpperCase();
  return {
    type,
    mediapackageId,
    outpoint: type === "SEEK" && name !== undefined &&
        SEEK_TARGET_REGEXP.test(name)
      ? Number(name)
      : null,
  };
}
