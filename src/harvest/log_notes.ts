import { getLogger } from "@logtape/logtape";
import type { PlanNote } from "./plan_harvest.ts";

const logger = getLogger(["ua-harvest", "harvest"]);

/** Logs the lines a pure step of the harvest asked for, in order. */
export function logNotes(notes: readonly PlanNote[]): void {
  for (const note of notes) {
    if (note.level === "warn") logger.warn(note.message, note.properties);
    else logger.info(note.message, note.properties);
  }
}
