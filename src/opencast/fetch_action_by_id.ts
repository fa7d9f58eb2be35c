/**
 * One user action by its id.
 *
 * @module
 */
import { ApiContractError } from "../errors.ts";
import type { OpencastClient } from "./opencast_client.ts";
import type { UserAction } from "./types.ts";
import { normalizeActionPage } from "./normalize_action_page.ts";
import { isObject } from "./_jettison.ts";

/**
 * GETs `/usertracking/action/{id}.json` (every Opencast with usertracking):
 * `{"action":{…}}`, or HTTP 204 when no action has that id (ids come from a
 * sequence with gaps).
 *
 * @example Usage
 * ```ts
 * const action = await fetchActionById(engage, 9120458); // null when there is none
 * ```
 *
 * @param client The engage node's client.
 * @param id The action id.
 * @returns The action, or `null` when the id does not exist.
 * @throws {ApiContractError} When the answer is not an action.
 */
export async function fetchActionById(
  client: OpencastClient,
  id: number,
): Promise<UserAction | null> {
  const endpoint = `/usertracking/action/${id}.json`;
  const raw = await client.getJson(endpoint);
  if (raw === null) return null;
  if (!isObject(raw) || !isObject(raw["action"])) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered JSON without an "action" object`,
    );
  }
  // The same fields as in the list: reuse its normalizer.
  const [action] =
    normalizeActionPage({ actions: { action: raw["action"] } }, endpoint)
      .actions;
  return action;
}
