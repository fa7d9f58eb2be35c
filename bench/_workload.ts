/**
 * The workload the benchmarks share: the simulator's span and zone, and the
 * harvest of that whole span as cron runs it.
 *
 * @module
 */
import { cliArgs } from "../tests/support/run_cli.ts";
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../src/simulate/start_simulator.ts";

/** The simulator's (and the harvest's) server zone. */
export const ZONE = "America/New_York";
/** The end of the simulated actions' span. */
export const SPAN_END = Temporal.Instant.from("2024-03-02T12:00:00Z");
/** The length of the span, seconds. */
export const SPAN_SECONDS = 3600;
/** Actions per page, unless a benchmark says otherwise. */
export const PAGE = 1000;

/** Options for {@linkcode spanHarvestArgs}. */
export interface SpanHarvestOptions {
  /** The simulator's URL. */
  readonly url: string;
  /** The output flags, e.g. `["--output", "-"]`. */
  readonly output: readonly string[];
  readonly stateFile: string;
  readonly cacheFile: string;
  /** @default {@linkcode PAGE} */
  readonly batchSize?: number;
  /** More flags (credentials, log format, …). */
  readonly extra?: readonly string[];
}

/**
 * The `deno` arguments of one harvest of the whole span through the CLI,
 * with no pause between pages and no progress line.
 */
export function spanHarvestArgs(options: SpanHarvestOptions): string[] {
  return cliArgs([
    "harvest",
    "-H",
    options.url,
    "--server-timezone",
    ZONE,
    "-s",
    SPAN_END.subtract({ seconds: SPAN_SECONDS }).toString(),
    "-e",
    SPAN_END.toString(),
    ...options.output,
    "--wait",
    "0",
    "-b",
    String(options.batchSize ?? PAGE),
    "--state-file",
    options.stateFile,
    "--cache-file",
    options.cacheFile,
    "--no-progress",
    ...options.extra ?? [],
  ]);
}

/**
 * Starts the simulator on a free port with the workload's span and zone,
 * quiet; `options` sets the rest (actions, episodes, latency, flavor, …).
 */
export function startSpanSimulator(
  options: Omit<SimulatorOptions, "spanEnd" | "spanSeconds" | "timezone">,
): Promise<Simulator> {
  return startSimulator({
    port: 0,
    quiet: true,
    ...options,
    spanEnd: SPAN_END,
    spanSeconds: SPAN_SECONDS,
    timezone: ZONE,
  });
}
