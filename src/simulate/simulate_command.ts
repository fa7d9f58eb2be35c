/**
 * The `simulate` command: runs the synthetic Opencast server until stopped,
 * optionally with new actions arriving all the time.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { ConfigError } from "../errors.ts";
import {
  type MatomoSimulatorOptions,
  startMatomoSimulator,
} from "./start_matomo_simulator.ts";
import { type SimulatorOptions, startSimulator } from "./start_simulator.ts";

/**
 * Options of the `simulate` command. Flags: `--port`, `--seed`, `--actions`,
 * `--episodes`, `--span-seconds`, `--flavor`, `--timezone`, `--day-seconds`,
 * `--order`, `--id-nodes`, `--id-block`, `--no-usertracking`, `--latency-ms`, `--fail-rate`, `--user`,
 * `--password`, `--arrivals-per-second`.
 */
export interface SimulateCommandOptions extends SimulatorOptions {
  /**
   * New actions per second (created = now) while running; may be fractional.
   *
   * @default {0}
   */
  readonly arrivalsPerSecond?: number;
}

/**
 * Options of `simulate --flavor matomo`: a Matomo site instead of Opencast.
 * Flags: `--port`, `--seed`, `--actions`, `--episodes`, `--span-seconds`,
 * `--timezone`, `--token-auth`, `--site-id`, `--max-actions-per-visit`,
 * `--visitor-log`, `--latency-ms`, `--fail-rate`, `--arrivals-per-second`.
 */
export interface SimulateMatomoCommandOptions extends MatomoSimulatorOptions {
  readonly flavor: "matomo";
  /**
   * New actions per second (steps of open visits, new visits, now and then
   * a late visit); may be fractional.
   *
   * @default {0}
   */
  readonly arrivalsPerSecond?: number;
}

const logger = getLogger(["ua-harvest", "simulate"]);

/**
 * Starts the simulator, prints `Simulator listening on <url>` as one line on
 * stdout (scripts read it), and serves until `signal` aborts.
 */
export async function runSimulate(
  options:
    & (SimulateCommandOptions | SimulateMatomoCommandOptions)
    & {
      readonly signal?: AbortSignal;
      /** Where the URL line goes. @default console.log */
      readonly print?: (line: string) => void;
    },
): Promise<void> {
  const {
    arrivalsPerSecond = 0,
    signal,
    print = console.log,
    ...simulatorOptions
  } = options;
  if (!Number.isFinite(arrivalsPerSecond) || arrivalsPerSecond < 0) {
    throw new ConfigError(
      `Set --arrivals-per-second to a number of at least 0 (got ${arrivalsPerSecond})`,
    );
  }
  if (signal?.aborted) return;
  // Both log the address at info (unless quiet); scripts read stdout. The
  // Opencast simulator runs its own arrivals.
  const simulator = simulatorOptions.flavor === "matomo"
    ? await startMatomoSimulator(simulatorOptions)
    : await startSimulator({ ...simulatorOptions, arrivalsPerSecond });
  print(`Simulator listening on ${simulator.url}`);
  let timer: ReturnType<typeof setInterval> | undefined;
  if (arrivalsPerSecond > 0 && simulatorOptions.flavor === "matomo") {
    // Carry the fraction over, so 0.5 per second means one every 2 seconds.
    let carry = 0;
    timer = setInterval(() => {
      carry += arrivalsPerSecond;
      const count = Math.floor(carry);
      carry -= count;
      if (count > 0) simulator.appendActions(count);
    }, 1000);
  }
  try {
    await new Promise<void>((resolve) => {
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    clearInterval(timer);
    await simulator.close();
    if (!simulatorOptions.quiet) logger.info("Simulator stopped");
  }
}
