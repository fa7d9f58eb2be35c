/**
 * Whether a batch's actions come in `created` order, within a hold-back.
 *
 * @module
 */
import type { ViewerAction } from "../record/viewer_action.ts";

/**
 * Whether no action of `actions` is older than one before it by more than
 * `holdBackSeconds` (compared by whole seconds, as checkpoints are). Pure.
 *
 * @example Usage
 * ```ts
 * import { inCreatedOrder } from "./in_created_order.ts";
 * inCreatedOrder([
 *   { created: "2024-03-02T10:00:05Z" },
 *   { created: "2024-03-02T10:00:01Z" },
 * ], 0); // false
 * ```
 */
export function inCreatedOrder(
  actions: readonly Pick<ViewerAction, "created">[],
  holdBackSeconds: number,
): boolean {
  let newest = -Infinity;
  for (const action of actions) {
    const second = Math.floor(Date.parse(action.created) / 1000);
    if (second < newest - holdBackSeconds) return false;
    if (second > newest) newest = second;
  }
  return true;
}
