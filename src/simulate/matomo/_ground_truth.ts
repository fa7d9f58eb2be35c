/**
 * What a harvest of the simulated Matomo must deliver: one `ViewerAction`
 * per action that names its episode, from what the generator knows it made
 * (not by reading the API's JSON back), and the actions it must skip, by
 * reason. Actions past the per-visit maximum cannot be read, so they are in
 * neither list; their visits are listed with the count cut.
 *
 * @module
 */
import type { ViewerAction } from "../../record/viewer_action.ts";
import type { SimCustomDimension } from "./_visit_json.ts";
import type {
  MatomoSkipReason,
  SimMatomoAction,
  SimVisit,
} from "./_visit_model.ts";

/** An action a harvest must not turn into a record, and why. */
export interface SkippedMatomoAction {
  readonly pageId: number;
  readonly idVisit: number;
  readonly reason: MatomoSkipReason;
}

/** What a harvest of the visits must give. */
export interface MatomoGroundTruth {
  /** The records' actions, ordered by `created`, then id. */
  readonly actions: readonly ViewerAction[];
  /** The actions to skip, in id order. */
  readonly skipped: readonly SkippedMatomoAction[];
  /** Visits whose actions were cut, with how many. */
  readonly truncated: readonly {
    readonly idVisit: number;
    readonly count: number;
  }[];
}

/** Names a dimension must match to be taken for the episode without a setting. */
const EPISODE_NAME_REGEXP = /episode|video.?id|media.?package|event.?id/i;

/**
 * The dimension a harvester takes for the episode when none is configured:
 * the active action-scope one (lowest id first) named like "episode",
 * "video id", "mediapackage" or "event id"; `null` when there is none.
 */
export function defaultEpisodeDimension(
  dimensions: readonly SimCustomDimension[],
): number | null {
  const match = [...dimensions].sort((a, b) => a.id - b.id).find((d) =>
    d.active && d.scope === "action" && EPISODE_NAME_REGEXP.test(d.name)
  );
  return match?.id ?? null;
}

/**
 * The ground truth of some visits.
 *
 * @param visits The visits.
 * @param options The episode dimension the harvester reads (`null`: none)
 * and the per-visit maximum of actions.
 */
export function matomoGroundTruth(
  visits: readonly SimVisit[],
  options: {
    readonly episodeDimension: number | null;
    readonly maxActionsPerVisit: number;
  },
): MatomoGroundTruth {
  const actions: ViewerAction[] = [];
  const skipped: SkippedMatomoAction[] = [];
  const truncated: { idVisit: number; count: number }[] = [];
  for (const visit of visits) {
    const readable = visit.actions.slice(0, options.maxActionsPerVisit);
    if (visit.actions.length > readable.length) {
      truncated.push({
        idVisit: visit.idVisit,
        count: visit.actions.length - readable.length,
      });
    }
    for (const action of readable) {
      const result = expected(action, visit, options.episodeDimension);
      if ("reason" in result) skipped.push(result);
      else actions.push(result);
    }
  }
  actions.sort((a, b) =>
    Date.parse(a.created) - Date.parse(b.created) || a.id - b.id
  );
  skipped.sort((a, b) => a.pageId - b.pageId);
  truncated.sort((a, b) => a.idVisit - b.idVisit);
  return { actions, skipped, truncated };
}

function expected(
  action: SimMatomoAction,
  visit: SimVisit,
  episodeDimension: number | null,
): ViewerAction | SkippedMatomoAction {
  const skip = (reason: MatomoSkipReason) => ({
    pageId: action.pageId,
    idVisit: visit.idVisit,
    reason,
  });
  if ("skip" in action.outcome) return skip(action.outcome.skip);
  const fromDimension = episodeDimension === null
    ? undefined
    : action.dimensions[episodeDimension];
  const mediapackageId = fromDimension || action.hints.url ||
    action.hints.name;
  if (!mediapackageId) {
    return skip(
      action.type === "event"
        ? "event-without-episode"
        : "page-without-episode",
    );
  }
  return {
    id: action.pageId,
    mediapackageId,
    sessionId: String(visit.idVisit),
    userId: visit.userId === null || visit.userId === "anonymous"
      ? null
      : visit.userId,
    userIp: visit.visitIp,
    userAgent: null,
    inpoint: null,
    outpoint: action.outcome.outpoint,
    length: null,
    type: action.outcome.type,
    isPlaying: null,
    created: Temporal.Instant.fromEpochMilliseconds(action.seconds * 1000)
      .toString({ timeZone: "UTC" }),
    source: "matomo",
  };
}
