/**
 * What a harvest did, finished or failed: the counts its closing log line
 * gives, plus the window. `runHarvest` hands it to `onSummary` for the
 * last-run record and the metrics.
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
  readonly opencastRequests: number;
  readonly seconds: number;
  /** The checkpoint at the end (ISO 8601), or `none`. */
  readonly checkpoint: string;
  readonly dryRun: boolean;
  /** The resolved window (UTC, ISO 8601). */
  readonly window?: { readonly start: string; readonly end: string };
  /** The Opencast API variant used, once detection reports it. */
  readonly opencastVariant?: string;
}
