import type { OpencastClient } from "../opencast/opencast_client.ts";
import { fetchEpisode } from "../opencast/fetch_episode.ts";
import { fetchWorkflows } from "../opencast/fetch_workflows.ts";
import { searchEpisodes } from "../opencast/search_episodes.ts";
import type { LoadEpisodesOptions } from "./load_episodes.ts";

/** The Opencast nodes `load_episodes` reads from. */
export interface OpencastEpisodeSourceOptions {
  /** The engage node (`MATTERHORN_ENGAGE_HOST`): episode search. */
  engage: OpencastClient;
  /** The admin node (`MATTERHORN_ADMIN_HOST`): workflows. */
  admin: OpencastClient;
}

/** The three sources {@linkcode loadEpisodes} takes. */
export type EpisodeSource = Pick<
  LoadEpisodesOptions,
  "listEpisodes" | "fetchEpisode" | "lookupWorkflows"
>;

/**
 * Binds `load_episodes`'s sources to Opencast clients: episodes from the
 * engage node's search, workflows from the admin node.
 */
export function createOpencastEpisodeSource(
  options: OpencastEpisodeSourceOptions,
): EpisodeSource {
  const { engage, admin } = options;
  return {
    listEpisodes: (query) => searchEpisodes(engage, query),
    fetchEpisode: (id) => fetchEpisode(engage, id),
    lookupWorkflows: (query) => fetchWorkflows(admin, query),
  };
}
