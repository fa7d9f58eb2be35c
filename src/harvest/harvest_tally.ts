import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";

/**
 * A harvest's counts so far. `harvestWindows()` updates it after every page,
 * so a run that fails still reports what it delivered (and saved) before the
 * failure.
 */
export interface HarvestTally {
  pages: number;
  /** Single actions asked for by id. */
  probes: number;
  delivered: number;
  /** Actions left out (delivered already, or outside the window). */
  skipped: number;
  /** The server's counts of the windows' actions, for the progress line. */
  total: number;
  /** Records of the page that failed. */
  failed: number;
  /**
   * Where the next run starts: the stored checkpoint at first, then each one
   * saved. A run that saves nothing (a dry run, a look) has the one each
   * window reached instead.
   */
  checkpoint: Checkpoint | null;
}

/** A tally of nothing yet, standing at `checkpoint`. */
export function createHarvestTally(
  checkpoint: Checkpoint | null,
): HarvestTally {
  return {
    pages: 0,
    probes: 0,
    delivered: 0,
    skipped: 0,
    total: 0,
    failed: 0,
    checkpoint,
  };
}
