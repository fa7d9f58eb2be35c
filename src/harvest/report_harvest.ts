import { getLogger } from "@logtape/logtape";
import type { HarvestSummary } from "./harvest_summary.ts";
import type { HarvestTally } from "./harvest_tally.ts";
import type { HarvestWindow } from "./resolve_window.ts";
import type { OpencastSource } from "./open_opencast_source.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";
import { plural } from "../util/plural.ts";

/** Options for {@linkcode reportHarvest}. */
export interface ReportHarvestOptions {
  /** `done`, `failed` or `stopped by SIGTERM` etc. */
  readonly outcome: string;
  /** The API it spoke, and the requests it sent. */
  readonly source: Pick<OpencastSource, "api" | "stats">;
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
    api: options.source.api,
    actions: tally.delivered,
    pages: tally.pages,
    probes: tally.probes,
    skipped: tally.skipped,
    failed: tally.failed,
    episodesFetched: episodes.fetched,
    episodesMissing: episodes.missing,
    cacheHits: episodes.cacheHits,
    opencastRequests: options.source.stats.requests,
    seconds: Math.round(seconds * 1000) / 1000,
    actionsPerSecond: Math.round(tally.delivered / Math.max(seconds, 0.001)),
    checkpoint: tally.checkpoint?.timestamp.toString() ?? "none",
    dryRun: options.dryRun,
  };
  const s = summary;
  logger.info(
    `Harvest {outcome}: {actions} ${plural(s.actions, "action")} in {pages} ${
      plural(s.pages, "page")
    }, {failed} failed, {probes} id ${
      plural(s.probes, "probe")
    } ({api} API), {episodesFetched} ${
      plural(s.episodesFetched, "episode")
    } fetched, {cacheHits} cache ${
      plural(s.cacheHits, "hit")
    }, {seconds}s ({actionsPerSecond}/s), checkpoint {checkpoint}`,
    summary,
  );
  return {
    ...summary,
    window: { start: window.start.toString(), end: window.end.toString() },
  };
}
