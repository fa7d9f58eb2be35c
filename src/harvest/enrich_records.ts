import type { ViewerAction } from "../record/viewer_action.ts";
import type { ActionRecord } from "../record/action_record.ts";
import { buildRecord } from "../record/build_record.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";

/**
 * The enrich and build stages of one batch: looks up the episodes of its
 * actions (one lookup for the batch's distinct mediapackages) and builds
 * each action's record. Rejects when an episode cannot be fetched.
 */
export async function enrichRecords(
  actions: readonly ViewerAction[],
  lookup: Pick<EpisodeLookup, "lookup">,
): Promise<ActionRecord[]> {
  if (actions.length === 0) return [];
  const episodes = await lookup.lookup(
    actions.map((action) => action.mediapackageId),
  );
  return actions.map((action) =>
    buildRecord(action, episodes.get(action.mediapackageId) ?? null)
  );
}
