/**
 * Times of the window checkpoint tests, counted in seconds after one base
 * second, and checkpoints written back in those terms.
 *
 * @module
 */
import type { Checkpoint } from "../../src/checkpoint/checkpoint_format.ts";

/** 2024-03-01T15:00:00Z, in epoch seconds. */
export const BASE = Date.parse("2024-03-01T15:00:00Z") / 1000;
/** An hour after {@linkcode BASE}: the windows' end. */
export const END = Temporal.Instant.fromEpochMilliseconds((BASE + 3600) * 1000);

/** A checkpoint as comparable data: seconds after BASE, ids, position. */
export function plain(checkpoint: Checkpoint | null | undefined) {
  if (!checkpoint) return checkpoint;
  return {
    second: checkpoint.timestamp.epochMilliseconds / 1000 - BASE,
    ids: [...checkpoint.ids],
    position: checkpoint.position,
  };
}
