import { getLogger } from "@logtape/logtape";
import { ApiContractError } from "../errors.ts";
import {
  detectSearchApi,
  type DetectSearchApiOptions,
  type SearchApi,
} from "../opencast/detect_search_api.ts";
import type { OpencastClient } from "../opencast/opencast_client.ts";
import { fetchEpisode } from "../opencast/fetch_episode.ts";
import { fetchWorkflows } from "../opencast/fetch_workflows.ts";
import {
  searchEpisodes,
  type SearchEpisodesOptions,
} from "../opencast/search_episodes.ts";
import type { SearchFormat } from "../opencast/types.ts";
import type {
  EpisodeWindowPage,
  EpisodeWindowQuery,
} from "./episode_window_pages.ts";
import type { LoadEpisodesOptions } from "./load_episodes.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** The Opencast nodes `load_episodes` reads from. */
export interface OpencastEpisodeSourceOptions {
  /** The engage node (`MATTERHORN_ENGAGE_HOST`): episode search. */
  engage: OpencastClient;
  /** The admin node (`MATTERHORN_ADMIN_HOST`): workflows. */
  admin: OpencastClient;
  /**
   * `--opencast-api` (`OPENCAST_API`): `auto` recognises the search variant;
   * `dce` trusts the DCE fork's window parameters; `upstream` never sends
   * them.
   *
   * @default "auto"
   */
  api?: DetectSearchApiOptions["mode"];
}

/** The three sources {@linkcode loadEpisodes} takes. */
export type EpisodeSource = Pick<
  LoadEpisodesOptions,
  "listEpisodes" | "fetchEpisode" | "lookupWorkflows"
>;

/**
 * Binds `load_episodes`'s sources to Opencast clients: episodes from the
 * engage node's search, workflows from the admin node. The search variant
 * (Solr era with or without the DCE parameters, or OC 16+) is decided at the
 * first listing and kept for the run; should the server then answer in the
 * other format, the first page is asked again in that one.
 */
export function createOpencastEpisodeSource(
  options: OpencastEpisodeSourceOptions,
): EpisodeSource {
  const { engage, admin, api: mode = "auto" } = options;
  let detected: Promise<SearchApi> | undefined;
  function detect(): Promise<SearchApi> {
    detected ??= detectSearchApi(engage, { mode }).catch((error) => {
      // A failed detection (a stop, an outage) is not an answer: ask again.
      detected = undefined;
      throw error;
    });
    return detected;
  }

  async function listEpisodes(
    query: EpisodeWindowQuery,
  ): Promise<EpisodeWindowPage> {
    let api = await detect();
    let page = await searchEpisodes(engage, request(api, query));
    if (page.format !== api.format) {
      if (query.offset !== 0) {
        throw new ApiContractError(
          `Opencast engage search changed its answer format during the run (${api.format}, then ${page.format}): run load_episodes again`,
        );
      }
      logger.warn(
        "Opencast search answered in the {answered} format, not the {expected} one expected; asking again in {answered}",
        { answered: page.format, expected: api.format },
      );
      api = switchFormat(page.format);
      detected = Promise.resolve(api);
      page = await searchEpisodes(engage, request(api, query));
      if (page.format !== api.format) {
        throw new ApiContractError(
          `Opencast engage search answers neither format consistently (${api.format} asked, ${page.format} answered)`,
        );
      }
    }
    return {
      total: page.total,
      episodes: page.episodes,
      newestFirstBy: api.format === "opensearch" ? "modified" : "created",
      windowApplied: api.dceTrusted,
    };
  }

  function switchFormat(format: SearchFormat): SearchApi {
    return {
      format,
      dceParameters: format === "solr" && mode === "auto",
      dceTrusted: false,
    };
  }

  return {
    listEpisodes,
    fetchEpisode: (id) =>
      fetchEpisode(engage, id, { includeDeleted: mode !== "upstream" }),
    lookupWorkflows: (query) => fetchWorkflows(admin, query),
  };
}

/** The search request for a variant: newest first, DCE bounds where wanted. */
function request(
  api: SearchApi,
  query: EpisodeWindowQuery,
): SearchEpisodesOptions {
  const { limit, offset } = query;
  if (api.format === "opensearch") {
    return { format: "opensearch", limit, offset };
  }
  return api.dceParameters
    ? {
      format: "solr",
      createdFrom: query.createdFrom,
      createdTo: query.createdTo,
      includeDeleted: true,
      limit,
      offset,
    }
    : { format: "solr", limit, offset };
}
