/**
 * The Opencast side of a harvest: the engage client and the requests the
 * harvest makes through it.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { UsertrackingMissingError } from "../errors.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import { OpencastClient } from "../opencast/opencast_client.ts";
import type { OpencastClientStats } from "../opencast/opencast_client.ts";
import {
  fetchActions,
  type FetchActionsOptions,
} from "../opencast/fetch_actions.ts";
import { fetchActionById } from "../opencast/fetch_action_by_id.ts";
import { fetchEpisode } from "../opencast/fetch_episode.ts";
import { EndpointNotFoundError } from "../opencast/endpoint_not_found_error.ts";
import type { ActionPage, Episode, UserAction } from "../opencast/types.ts";
import { detectOpencastApi, type OpencastApi } from "./detect_opencast_api.ts";

const logger = getLogger(["ua-harvest", "harvest"]);

/** Where a harvest reads actions and episodes from. */
export interface OpencastSource {
  /** The usertracking API the engage node speaks. */
  readonly api: OpencastApi;
  /** One page of `actions.json`: a DCE window, an upstream day, or the table. */
  readonly fetchPage: (options: FetchActionsOptions) => Promise<ActionPage>;
  /** One action by id, or `null` when the id does not exist. */
  readonly fetchById: (id: number) => Promise<UserAction | null>;
  /** The newest row of the whole table, or `null` when it is empty. */
  readonly fetchAnchor: () => Promise<UserAction | null>;
  /** One episode's metadata, or `null` when Opencast has none. */
  readonly fetchEpisode: (mediapackageId: string) => Promise<Episode | null>;
  /** Requests sent so far, for the summary. */
  readonly stats: OpencastClientStats;
}

/** Options for {@linkcode openOpencastSource}. */
export interface OpenOpencastSourceOptions {
  /**
   * Cuts a request in flight short (the run lost its lock): nothing more is
   * fetched. @default {none}
   */
  readonly signal?: AbortSignal;
}

/**
 * Connects to the engage node and settles which API it speaks: detected with
 * one request when `--opencast-api auto`, else as set; either way logged.
 * Detection runs before anything is opened downstream, so a server without
 * usertracking ends the run with nothing sent or saved: every usertracking
 * 404 becomes the one-line {@linkcode UsertrackingMissingError}.
 */
export async function openOpencastSource(
  settings: Pick<HarvestSettings, "engage" | "opencastApi">,
  options: OpenOpencastSourceOptions = {},
): Promise<OpencastSource> {
  const client = new OpencastClient({
    host: settings.engage.host,
    user: settings.engage.user,
    password: settings.engage.password,
    auth: settings.engage.auth,
    timeoutMs: settings.engage.timeoutMs,
    maxAttempts: settings.engage.maxAttempts,
    caCertPath: settings.engage.caCertPath,
    nodeLabel: "engage",
    signal: options.signal,
  });
  const fetchPage = (query: FetchActionsOptions) =>
    usertracking(client, () => fetchActions(client, query));
  let api: OpencastApi;
  if (settings.opencastApi === "auto") {
    const detected = await detectOpencastApi(fetchPage);
    api = detected.api;
    logger.info("Opencast API: {api} (detected: {reason})", { ...detected });
  } else {
    api = settings.opencastApi;
    logger.info("Opencast API: {api} (set by --opencast-api)", { api });
  }
  return {
    api,
    fetchPage,
    fetchById: (id) => usertracking(client, () => fetchActionById(client, id)),
    fetchAnchor: async () => {
      const { total } = await fetchPage({ limit: 1, offset: 0 });
      if (total < 1) return null;
      const last = await fetchPage({ limit: 1, offset: total - 1 });
      return last.actions[0] ?? null;
    },
    fetchEpisode: (id) => fetchEpisode(client, id),
    get stats() {
      return client.stats;
    },
  };
}

/**
 * Runs a usertracking request, turning its 404 into the one-line
 * {@linkcode UsertrackingMissingError}.
 */
async function usertracking<T>(
  client: OpencastClient,
  request: () => Promise<T>,
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (
      error instanceof EndpointNotFoundError &&
      error.endpoint.startsWith("/usertracking/")
    ) {
      throw new UsertrackingMissingError(
        `Opencast engage host ${client.baseUrl.host} answered 404 for ${error.endpoint}: ` +
          "the usertracking plugin is not enabled on this engage node, or this Opencast no longer has it " +
          "(removed upstream); nothing was sent or saved",
        { cause: error },
      );
    }
    throw error;
  }
}
