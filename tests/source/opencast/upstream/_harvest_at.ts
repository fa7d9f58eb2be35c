/**
 * Runs `harvest` in process at a chosen "now" against a simulator, the way
 * cron runs it, and counts what arrived in its output file by action id.
 *
 * @module
 */
import { join } from "node:path";
import { harvestCommand } from "../../../../src/cli/harvest_command.ts";
import { resolveHarvestSettings } from "../../../../src/cli/resolve_harvest_settings.ts";
import {
  type HarvestResult,
  runHarvest,
} from "../../../../src/harvest/run_harvest.ts";
import type { Simulator } from "../../../../src/simulate/start_simulator.ts";
import { testContext } from "../../../support/command_context.ts";
import { parseFlags } from "../../../support/parse_flags.ts";

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
      const settings = resolveHarvestSettings({
        options: parseFlags(harvestCommand(testContext()), args, env),
        env,
        now,
        localTimeZone: sim.timezone,
        stderrIsTerminal: false,
      });
      return await runHarvest(settings, {
        signal: new AbortController().signal,
        now: () => now,
      });
    },
    async ids() {
      let text: string;
      try {
        text = await Deno.readTextFile(output);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return [];
        throw error;
      }
      return text.split("\n").filter((line) => line !== "").map((line) =>
        JSON.parse(line).action_id as number
      );
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}
