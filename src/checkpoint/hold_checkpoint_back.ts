/**
 * Checkpoints held back by a slack, for servers whose rows come in id order.
 *
 * @module
 */
import type { ViewerAction } from "../record/viewer_action.ts";
import type { Checkpoint } from "./checkpoint_format.ts";

/** Turns the newest-second checkpoint into one held back by the slack. */
export interface CheckpointHold {
  /** Notes actions just delivered. */
  delivered(actions: readonly Pick<ViewerAction, "id" | "created">[]): void;
  /**
   * The checkpoint to save for `newest` (the newest second delivered, or the
   * window end): its second moved back by the slack, never before where it
   * started, with the ids of every action delivered from that second on.
   */
  hold<T extends Checkpoint>(newest: T): T;
}

/**
 * Creates a hold for one window. Upstream Opencast returns rows in id order,
 * and ids follow `created` only to within a few seconds (a transaction takes
 * its id before it commits), so a page read later can hold actions a little
 * older than the newest one delivered. A checkpoint at the newest second would
 * then sit ahead of them: a run stopped there (a failure, a kill) would drop
 * them as older than its start. Held back by the slack, with every id
 * delivered since, the next run starts early enough and skips by id what it
 * already sent.
 *
 * @example Usage
 * ```ts
 * const hold = createCheckpointHold(null, 10);
 * hold.delivered(actions); // created up to 12:00:30
 * hold.hold({ timestamp: Temporal.Instant.from("2024-03-02T12:00:30Z"), ids: [7] });
 * // { timestamp: 12:00:20, ids: [every id delivered from 12:00:20 on] }
 * ```
 *
 * @param start The checkpoint the window starts from.
 * @param slackSeconds How far back; 0 keeps checkpoints as they are.
 */
export function createCheckpointHold(
  start: Checkpoint | null,
  slackSeconds: number,
): CheckpointHold {
  const floor = start ? epochSeconds(start.timestamp) : -Infinity;
  // The start's ids may be anywhere in [its second, its second + slack]:
  // kept as late as that, they are dropped no earlier than they may matter.
  let lately = (start?.ids ?? []).map((id) => ({
    id,
    second: floor + slackSeconds,
  }));
  return {
    delivered(actions) {
      if (slackSeconds <= 0) return;
      for (const action of actions) {
        const ms = Date.parse(action.created);
        if (Number.isNaN(ms)) continue;
        lately.push({ id: action.id, second: Math.floor(ms / 1000) });
      }
    },
    hold(newest) {
      if (slackSeconds <= 0) return newest;
      const second = Math.max(
        floor,
        epochSeconds(newest.timestamp) - slackSeconds,
      );
      lately = lately.filter((entry) => entry.second >= second);
      const ids = [...new Set(lately.map((entry) => entry.id))].sort((a, b) =>
        a - b
      );
      return {
        ...newest,
        timestamp: Temporal.Instant.fromEpochMilliseconds(second * 1000),
        ids,
      };
    },
  };
}

function epochSeconds(instant: Temporal.Instant): number {
  return Math.floor(instant.epochMilliseconds / 1000);
}
