/**
 * The usertracking requests the Opencast source makes through the engage
 * client, counted, with a usertracking 404 turned into one clear error.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { UsertrackingMissingError } from "../../errors.ts";
import type { OpencastClient } from "../../opencast/opencast_client.ts";
import {
  fetchActions,
  type FetchActionsOptions,
} from "../../opencast/fetch_actions.ts";
import { fetchActionById } from "../../opencast/fetch_action_by_id.ts";
import { EndpointNotFoundError } from "../../opencast/endpoint_not_found_error.ts";
import type { ActionPage, UserAction } from "../../opencast/types.ts";

const logger = getLogger(["ua-harvest", "harvest"]);

/** The requests the Opencast strategies read actions with. */
export interface UsertrackingRequests {
  /** One page of `actions.json`: a DCE window, an upstream day, or the table. */
  readonly fetchPage: (options: FetchActionsOptions) => Promise<ActionPage>;
  /** One action by id, or `null` when the id does not exist. */
  readonly fetchById: (id: number) => Promise<UserAction | null>;
  /** The newest row of the whole table, or `null` when it is empty. */
  readonly fetchAnchor: () => Promise<UserAction | null>;
  /** Requests sent so far (a retry is not counted again). */
  readonly requests: number;
}

/**
 * The usertracking requests through `client`. Every 404 of a usertracking
 * endpoint becomes the one-line {@linkcode UsertrackingMissingError}, so a
 * server without the plugin ends the run with nothing sent or saved.
 */
export function usertrackingRequests(
  client: OpencastClient,
): UsertrackingRequests {
  let requests = 0;
  async function usertracking<T>(request: () => Promise<T>): Promise<T> {
    requests++;
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
  let warnedLimit = false;
  const fetchPage = async (query: FetchActionsOptions) => {
    const page = await usertracking(() => fetchActions(client, query));
    if (!warnedLimit && page.actions.length > query.limit) {
      warnedLimit = true;
      logger.warn(
        "Opencast engage host {host} answered {rows} actions to a request for {limit}: it does not honour " +
          "limit, so its pages are processed in parts and cost memory in proportion to what it sends",
        {
          host: client.baseUrl.host,
          rows: page.actions.length,
          limit: query.limit,
        },
      );
    }
    return page;
  };
  return {
    fetchPage,
    fetchById: (id) => usertracking(() => fetchActionById(client, id)),
    fetchAnchor: async () => {
      const { total } = await fetchPage({ limit: 1, offset: 0 });
      if (total < 1) return null;
      const last = await fetchPage({ limit: 1, offset: total - 1 });
      return last.actions[0] ?? null;
    },
    get requests() {
      return requests;
    },
  };
}
