/**
 * What a harvest counts and reports: the tally kept while it runs, and the
 * summary its closing log line gives and `runHarvest` hands to `onSummary`
 * (for the last-run record and the metrics).
 *
 * @module
 */
import { plural } from "../util/plural.ts";
import { getLogger } from "@logtape/logtape";
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import type { HarvestWindow } from "./resolve_window.ts";
import type { ActionSource } from "../source/action_source.ts";
import type { OpencastClientStats } from "../opencast/opencast_client.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";
import { sourceLabel } from "../source/source_label.ts";

/** What a window, or the run, did so far: for the live progress line and the summary. */
export interface PageProgress {
  readonly pages: number;
  /** Single actions asked for by id. */
  readonly probes: number;
  readonly delivered: number;
  /** Actions left out because they had been delivered already, or lie outside the window. */
  readonly skipped: number;
  /** The server's count of actions in the window (first page). */
  readonly total: number;
}

/**
 * A harvest's counts so far. `harvestWindows()` updates it after every page,
 * so a run that fails still reports what it delivered (and saved) before the
 * failure.
 */
export interface HarvestTally {
  pages: number;
  /** Single actions asked for by id. */
  probes: number;
  delivered: number;
  /** Actions left out (delivered already, or outside the window). */
  skipped: number;
  /** The server's counts of the windows' actions, for the progress line. */
  total: number;
  /** Records of the page that failed. */
  failed: number;
  /**
   * Where the next run starts: the stored checkpoint at first, then each one
   * saved. A run that saves nothing (a dry run, a look) has the one each
   * window reached instead.
   */
  checkpoint: Checkpoint | null;
}

/** A tally of nothing yet, standing at `checkpoint`. */
export function createHarvestTally(
  checkpoint: Checkpoint | null,
): HarvestTally {
  return {
    pages: 0,
    probes: 0,
    delivered: 0,
    skipped: 0,
    total: 0,
    failed: 0,
    checkpoint,
  };
}

/**
 * What a harvest did, finished or failed: the counts its closing log line
 * gives, plus the window.
 */
export interface HarvestSummary {
  /** `done`, `failed` or `stopped by SIGTERM` etc. */
  readonly outcome: string;
  /** Actions delivered. */
  readonly actions: number;
  /** Pages fetched and delivered. */
  readonly pages: number;
  readonly skipped: number;
  /** Records of the failing page the output did not accept. */
  readonly failed: number;
  /** Episodes requested from Opencast (cache misses). */
  readonly episodesFetched: number;
  readonly episodesMissing: number;
  readonly cacheHits: number;
  /** HTTP requests to the engage node (the source's and the episodes'), retries included. */
  readonly opencastRequests: number;
  /** Requests the action source sent for actions (see `ActionSource.requests`). */
  readonly actionRequests: number;
  readonly seconds: number;
  /** The checkpoint at the end (ISO 8601), or `none`. */
  readonly checkpoint: string;
  readonly dryRun: boolean;
  /** The resolved window (UTC, ISO 8601). */
  readonly window?: { readonly start: string; readonly end: string };
  /** What the action source is (`ActionSource.variant`: `dce`, `upstream`, …). */
  readonly opencastVariant?: string;
  /** Actions the source read that are not viewer actions, by reason (`ActionSource.skippedByReason`). */
  readonly sourceSkipped?: Readonly<Record<string, number>>;
}

/** Options for {@linkcode reportHarvest}. */
export interface ReportHarvestOptions {
  /** `done`, `failed` or `stopped by SIGTERM` etc. */
  readonly outcome: string;
  /** What the source is, and the requests it sent. */
  readonly source: Pick<
    ActionSource,
    "variant" | "requests" | "skippedByReason"
  >;
  /** The engage client's counts (shared by the source and the episode lookups). */
  readonly opencast: Pick<OpencastClientStats, "requests">;
  readonly tally: Readonly<HarvestTally>;
  /** Its episode counts. */
  readonly lookup: Pick<EpisodeLookup, "stats">;
  /** How long the run took. */
  readonly seconds: number;
  readonly dryRun: boolean;
  /** The run's whole window. */
  readonly window: Pick<HarvestWindow, "start" | "end">;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Logs the run's closing summary line (information also for a failed run:
 * the error itself follows as one line) and returns the summary.
 */
export function reportHarvest(options: ReportHarvestOptions): HarvestSummary {
  const { tally, seconds, window } = options;
  const episodes = options.lookup.stats;
  const summary = {
    outcome: options.outcome,
    api: options.source.variant,
    actions: tally.delivered,
    pages: tally.pages,
    probes: tally.probes,
    skipped: tally.skipped,
    failed: tally.failed,
    episodesFetched: episodes.fetched,
    episodesMissing: episodes.missing,
    cacheHits: episodes.cacheHits,
    opencastRequests: options.opencast.requests,
    actionRequests: options.source.requests,
    seconds: Math.round(seconds * 1000) / 1000,
    actionsPerSecond: Math.round(tally.delivered / Math.max(seconds, 0.001)),
    checkpoint: tally.checkpoint?.timestamp.toString() ?? "none",
    dryRun: options.dryRun,
  };
  const s = summary;
  const sourceSkipped = options.source.skippedByReason;
  const reasons = Object.entries(sourceSkipped ?? {}).filter(([, n]) => n > 0);
  const notViewerActions = reasons.reduce((sum, [, n]) => sum + n, 0);
  // Matomo reads page views, timeupdates and other events that are no
  // records: how many, and why, so a drop in records can be told apart
  // from a drop in tracking.
  const skippedText = sourceSkipped === undefined
    ? ""
    : `, {notViewerActions} not viewer ${plural(notViewerActions, "action")}${
      reasons.length > 0 ? " ({skippedReasons})" : ""
    }`;
  // Only upstream Opencast asks for actions by id (a midnight stretch):
  // a count that is always 0 for the others would only puzzle.
  const probesText = s.probes > 0
    ? `, {probes} id ${plural(s.probes, "probe")}`
    : "";
  logger.info(
    `Harvest {outcome}: {actions} ${plural(s.actions, "action")} in {pages} ${
      plural(s.pages, "page")
    }, {failed} failed, source {source}${probesText}${skippedText}, {episodesFetched} ${
      plural(s.episodesFetched, "episode")
    } fetched, {cacheHits} cache ${
      plural(s.cacheHits, "hit")
    }, {seconds}s ({actionsPerSecond}/s), checkpoint {checkpoint}`,
    {
      ...summary,
      source: sourceLabel(s.api),
      ...(sourceSkipped === undefined ? {} : {
        notViewerActions,
        skippedReasons: reasons.map(([reason, n]) => `${reason} ${n}`).join(
          ", ",
        ),
        sourceSkipped: { ...sourceSkipped },
      }),
    },
  );
  return {
    ...summary,
    window: { start: window.start.toString(), end: window.end.toString() },
    opencastVariant: options.source.variant,
    ...(sourceSkipped === undefined
      ? {}
      : { sourceSkipped: { ...sourceSkipped } }),
  };
}
