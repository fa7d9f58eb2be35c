/**
 * Which usertracking API an engage node speaks.
 *
 * @module
 */
import type { ActionPage } from "../../opencast/types.ts";
import type { PageQuery } from "./opencast_batch.ts";
import { plural } from "../../util/plural.ts";

/** How the harvest asks for a window. */
export type OpencastApi = "dce" | "upstream";

/** What {@linkcode detectOpencastApi} found. */
export interface DetectedApi {
  readonly api: OpencastApi;
  /** Why, for the log line. */
  readonly reason: string;
}

/** The probe window: one second in 1970, when no action can have been created. */
const PROBE = "19700101000000";

/**
 * Asks for the actions of one second in 1970 with the DCE fork's `start`/`end`
 * (one request, one row at most). A server that honours the window answers
 * none; upstream Opencast ignores the parameters and answers its table. An
 * empty table also answers none: then the `start`/`end` strategy is harmless,
 * since an upstream server can only return actions the harvest then filters by
 * their `created` time (and the next run asks again).
 *
 * @param fetchPage Fetches one page of `/usertracking/actions.json`; a 404
 * must already have become a `UsertrackingMissingError`.
 * @returns The variant and the reason.
 */
export async function detectOpencastApi(
  fetchPage: (query: PageQuery) => Promise<ActionPage>,
): Promise<DetectedApi> {
  const page = await fetchPage({
    start: PROBE,
    end: PROBE,
    limit: 1,
    offset: 0,
  });
  const action = page.actions[0];
  if (action !== undefined) {
    return {
      api: "upstream",
      reason: `a window in 1970 returned ${page.total} ${
        plural(page.total, "action")
      }, e.g. one created ${action.created}: start/end are ignored`,
    };
  }
  if (page.total > 0) {
    return {
      api: "upstream",
      reason: `a window in 1970 counted ${page.total} ${
        plural(page.total, "action")
      }`,
    };
  }
  return {
    api: "dce",
    reason: "a window in 1970 returned no actions: start/end are honoured",
  };
}
