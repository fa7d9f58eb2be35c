/**
 * The `load_episodes` command's wiring, as `run_harvest.ts` is the
 * harvest's: the Opencast clients and the episode source from the settings,
 * the run, and its closing summary line.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { LoadEpisodesSettings } from "./load_episodes_settings.ts";
import { OpencastClient } from "../opencast/opencast_client.ts";
import { plural } from "../util/plural.ts";
import { loadEpisodes } from "./load_episodes.ts";
import type { LoadEpisodesSummary } from "./load_episodes_summary.ts";
import { createOpencastEpisodeSource } from "./opencast_episode_source.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** What the command hands the run. */
export interface RunLoadEpisodesContext {
  /** Aborted by SIGINT/SIGTERM: abandon the page in progress and stop. */
  readonly signal: AbortSignal;
  /** Receives the run's counts as soon as it starts counting, also when it fails. */
  readonly onSummary?: (summary: Readonly<LoadEpisodesSummary>) => void;
}

/**
 * Runs `load_episodes` with validated settings: episodes from the engage
 * node, workflows from the admin node, documents into the episode index.
 * Ends with one summary line. Errors propagate as typed errors.
 *
 * @param settings From `resolveLoadEpisodesSettings`.
 * @param context The stop signal, and where the counts go.
 * @returns The run's summary.
 */
export async function runLoadEpisodes(
  settings: LoadEpisodesSettings,
  context: RunLoadEpisodesContext,
): Promise<LoadEpisodesSummary> {
  const { signal } = context;
  const source = createOpencastEpisodeSource({
    engage: new OpencastClient({
      ...settings.engage,
      nodeLabel: "engage",
      signal,
    }),
    admin: new OpencastClient({
      ...settings.admin,
      nodeLabel: "admin",
      signal,
    }),
    api: settings.opencastApi,
  });
  const summary = await loadEpisodes({
    ...source,
    elasticsearch: settings.elasticsearch,
    index: settings.index,
    createdFromDaysAgo: settings.createdFromDaysAgo,
    mpids: settings.mpids,
    ...(settings.sourceIndexPattern === undefined
      ? {}
      : { sourceIndexPattern: settings.sourceIndexPattern }),
    workflowDefinition: settings.workflowDefinition,
    waitSeconds: settings.waitSeconds,
    concurrency: settings.workflowConcurrency,
    signal,
    ...(context.onSummary ? { onSummary: context.onSummary } : {}),
  });
  const s = summary;
  logger.info(
    `Episodes done: {indexed} of {episodes} indexed into {index}, {workflowsMissing} without workflow, ` +
      `{workflowErrors} workflow ${
        plural(s.workflowErrors, "lookup")
      } failed, {notFound} not found, {searchPages} search ${
        plural(s.searchPages, "page")
      } ({outsideWindow} listed outside the window), {seconds}s`,
    { ...summary, index: settings.index },
  );
  return summary;
}
