/**
 * Runs `harvest` in process at a chosen "now" against a simulator, the way
 * cron runs it, and counts what arrived in its output file by action id.
 *
 * @module
 */
import { join } from "node:path";
import type { HarvestResult } from "../../../../src/harvest/run_harvest.ts";
import type { Simulator } from "../../../../src/simulate/start_simulator.ts";
import {
  fileIds,
  type Tally,
  tally,
} from "../../../harvest/_delivery_fixture.ts";
import { harvestAt } from "../../../support/harvest_at.ts";

/** A harvest setup against one simulator, in its own temp dir. */
export interface InProcessHarvest extends AsyncDisposable {
  readonly dir: string;
  /** The output file (JSON lines). */
  readonly output: string;
  /** The checkpoint file. */
  readonly state: string;
  /** Runs `harvest` with these extra flags at `now`. */
  run(now: Temporal.Instant, ...flags: string[]): Promise<HarvestResult>;
  /** Action ids in the output, in order. */
  ids(): Promise<number[]>;
}

/** Sets up in-process harvests against `sim` (its zone is the server's). */
export async function inProcessHarvest(
  sim: Simulator,
  options: { readonly batchSize?: number } = {},
): Promise<InProcessHarvest> {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-upstream-" });
  const output = join(dir, "actions.jsonl");
  const state = join(dir, "checkpoint.json");
  const env = {
    HOME: dir,
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CACHE_HOME: join(dir, "cache"),
  };
  return {
    dir,
    output,
    state,
    async run(now, ...flags) {
      const args = [
        "-H",
        sim.url,
        "--server-timezone",
        sim.timezone,
        "--cache-file",
        join(dir, "episodes.sqlite"),
        "--wait",
        "0",
        "--output",
        `file:${output}`,
        "--state-file",
        state,
        "-b",
        String(options.batchSize ?? 500),
        ...flags,
      ];
      return await harvestAt(now, args, env, {
        localTimeZone: sim.timezone,
      });
    },
    async ids() {
      return (await fileIds(output)).ids;
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * {@linkcode tally} of the `delivered` ids against the simulator's actions
 * created from `from` to `to` (both included); `EXACTLY_ONCE` when each of
 * them arrived once and nothing else did.
 */
export function tallyWindow(
  sim: Simulator,
  delivered: readonly number[],
  from: Temporal.Instant,
  to: Temporal.Instant,
): Tally {
  return tally(
    delivered,
    sim.actions().filter((a) =>
      Temporal.Instant.compare(a.created, from) >= 0 &&
      Temporal.Instant.compare(a.created, to) <= 0
    ).map((a) => a.id),
  );
}
