/**
 * The pure transform from one viewer action (plus its episode) to the record
 * every sink delivers (record-schema.md §1, §1a), whatever its source.
 *
 * @module
 */

import { ApiContractError } from "../errors.ts";
import type { Episode } from "../opencast/types.ts";
import {
  formatUtcOffset,
  parseOffsetTimestamp,
} from "../opencast/opencast_time.ts";
import type { ActionRecord } from "./action_record.ts";
import { buildEpisodeFields } from "./episode_fields.ts";
import type { ViewerAction } from "./viewer_action.ts";

/**
 * Builds the record for one action, with the keys in the original's order
 * (`action_id`, `timestamp`, `mpid`, `session_id`, `huid`, `useragent`,
 * `action`, `ip`, `proxy1`…, `is_live`, `episode`) so the JSON reads the same;
 * a record of another source than Opencast (Matomo) carries its `source`
 * right before `episode`, which stays the last key (see `encodeRecord()`).
 *
 * - `timestamp`: `created` in UTC with `+00:00`; six fraction digits only
 *   when `created` has a fraction of a second.
 * - `ip`: the first entry of the `userIp` chain (`X-Forwarded-For`), trimmed;
 *   `proxy1`, `proxy2`, … the rest in order; `null` without `userIp`.
 * - `action.is_playing`: `isPlaying > 0`, a boolean passes through, `null`
 *   stays `null`; `is_live`: 1 when `isPlaying` is 2 (the DCE live marker),
 *   else 0. `inpoint`, `outpoint` and `length` pass through, `null` too.
 * - `huid`: `null` when the user id is absent (the original wrote `"None"`).
 *
 * @param action The normalized action.
 * @param episode Its episode, or `null` when none was found (`episode: {}`).
 * @returns The record.
 * @throws {ApiContractError} When `created` is not a timestamp with an offset.
 */
export function buildRecord(
  action: ViewerAction,
  episode: Episode | null,
): ActionRecord {
  const timestamp = utcTimestamp(action);
  const chain = action.userIp === null
    ? []
    : action.userIp.split(",").map((entry) => entry.trim());
  // Typed as the contract, not cast to it: a missing or misspelt field is a
  // compile error.
  const record: ActionRecord = {
    action_id: action.id,
    timestamp,
    mpid: action.mediapackageId,
    session_id: action.sessionId,
    huid: action.userId,
    useragent: action.userAgent,
    action: {
      type: action.type,
      inpoint: action.inpoint,
      outpoint: action.outpoint,
      length: action.length,
      is_playing: typeof action.isPlaying === "number"
        ? action.isPlaying > 0
        : action.isPlaying,
    },
    ip: chain[0] ?? null,
    ...proxyFields(chain.slice(1)),
    is_live: action.isPlaying === 2 ? 1 : 0,
    episode: buildEpisodeFields(episode),
  };
  return action.source === undefined
    ? record
    : withSource(record, action.source);
}

/**
 * The record with `source` right before `episode`, which stays the last key
 * (`encodeRecord()` relies on it). Only other sources' records pay for the
 * copy; Opencast's are built in one literal.
 */
function withSource(
  record: ActionRecord,
  source: NonNullable<ViewerAction["source"]>,
): ActionRecord {
  const { episode, ...rest } = record;
  return { ...rest, source, episode };
}

// Most actions share their `created` second with the action before them:
// parsing it once per second, not once per action, saves a Temporal object
// and a format per action (a tenth of the per-action CPU).
let lastCreated: string | undefined;
let lastTimestamp = "";

/** `created` in UTC with `+00:00`, remembered for the next action of the same second. */
function utcTimestamp(action: ViewerAction): string {
  if (action.created === lastCreated) return lastTimestamp;
  const created = parseOffsetTimestamp(action.created);
  if (created === null) {
    throw new ApiContractError(
      `Action ${action.id} has an unreadable created time '${action.created}': expected ISO 8601 with an offset`,
    );
  }
  lastTimestamp = formatUtcOffset(created);
  lastCreated = action.created;
  return lastTimestamp;
}

/** `proxy1`, `proxy2`, … for the rest of the `X-Forwarded-For` chain. */
function proxyFields(
  proxies: readonly string[],
): Record<`proxy${number}`, string> {
  const fields: Record<`proxy${number}`, string> = {};
  proxies.forEach((proxy, index) => {
    fields[`proxy${index + 1}`] = proxy;
  });
  return fields;
}
