/**
 * `harvest` in process at a chosen "now", below `main()`: the flags parsed as
 * `main.ts` parses them (option variables from `env` only), the settings
 * resolved with that environment and clock, then `runHarvest()`. For suites
 * that set the time of each run (cron runs across a midnight or a
 * daylight-saving change) and read what the run returns.
 *
 * @module
 */
import { harvestCommand } from "../../src/cli/harvest_command.ts";
import { resolveHarvestSettings } from "../../src/cli/resolve_harvest_settings.ts";
import {
  type HarvestResult,
  runHarvest,
  type RunHarvestContext,
} from "../../src/harvest/run_harvest.ts";
import { testContext } from "./command_context.ts";
import { parseFlags } from "./parse_flags.ts";

/** Options for {@linkcode harvestAt}. */
export interface HarvestAtOptions {
  /** The machine's zone, for a server zone left unset. @default "UTC" */
  readonly localTimeZone?: string;
  /** Receives the run's summary. */
  readonly onSummary?: RunHarvestContext["onSummary"];
}

/**
 * Runs `harvest` with `args` (after the command name) and `env` at `now`;
 * typed errors propagate as they would to `main.ts`.
 *
 * @example
 * ```ts
 * const result = await harvestAt(now, ["-H", sim.url, "--output", "-"], env);
 * ```
 */
export async function harvestAt(
  now: Temporal.Instant,
  args: readonly string[],
  env: Record<string, string>,
  options: HarvestAtOptions = {},
): Promise<HarvestResult> {
  const settings = resolveHarvestSettings({
    options: parseFlags(harvestCommand(testContext()), args, env),
    env,
    now,
    localTimeZone: options.localTimeZone ?? "UTC",
    stderrIsTerminal: false,
  });
  return await runHarvest(settings, {
    signal: new AbortController().signal,
    now: () => now,
    ...(options.onSummary ? { onSummary: options.onSummary } : {}),
  });
}
