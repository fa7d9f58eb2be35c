/**
 * The time a run reads and the pauses it takes, as one small interface: the
 * CLI hands the system's down (`SYSTEM_CLOCK`), a test hands a clock it
 * drives, so a test of a pause waits for the pause itself instead of a
 * guessed number of milliseconds.
 *
 * @module
 */
import { sleep } from "./sleep.ts";

/** Reads the time and waits. */
export interface Clock {
  /** The current instant. */
  now(): Temporal.Instant;
  /**
   * Waits `ms` milliseconds, or less when `signal` aborts (resolving, as
   * {@linkcode sleep} does).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The system's clock: `Temporal.Now` and a `setTimeout` that a signal ends early. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Temporal.Now.instant(),
  sleep: (ms, signal) => sleep(ms, { signal }),
};
