import type { HarvestSummary } from "../harvest/harvest_summary.ts";
import type { RunFacts } from "./record_run.ts";

/**
 * A harvest's counts under the last-run record's names; a run that failed
 * before it counted anything (`undefined`) has none. Pure.
 */
export function harvestFacts(summary: HarvestSummary | undefined): RunFacts {
  if (summary === undefined) return { counts: {} };
  return {
    counts: {
      actionsDelivered: summary.actions,
      pagesFetched: summary.pages,
      episodeRequests: summary.episodesFetched,
      episodeCacheHits: summary.cacheHits,
      recordsRejected: summary.failed,
    },
    ...(summary.window === undefined ? {} : { window: summary.window }),
    checkpoint: summary.checkpoint === "none" ? null : summary.checkpoint,
    ...(summary.opencastVariant === undefined
      ? {}
      : { opencastVariant: summary.opencastVariant }),
  };
}
