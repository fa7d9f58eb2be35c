/**
 * Dropping what an earlier run already delivered.
 *
 * @module
 */

import type { UserAction } from "../opencast/types.ts";

/**
 * Drops the actions whose id is in `skipIds` (those the checkpoint says were
 * delivered within its second, which the next window asks for again).
 *
 * @param actions A page of actions.
 * @param skipIds Ids already delivered.
 * @returns The actions still to deliver, in their order.
 */
export function filterDelivered(
  actions: readonly UserAction[],
  skipIds: ReadonlySet<number>,
): UserAction[] {
  if (skipIds.size === 0) return [...actions];
  return actions.filter((action) => !skipIds.has(action.id));
}
