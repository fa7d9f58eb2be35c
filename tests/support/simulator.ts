/**
 * The simulator as most tests start it: on a free loopback port and quiet,
 * with the options that matter to the test.
 *
 * @module
 */
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../../src/simulate/start_simulator.ts";
import {
  type MatomoSimulator,
  type MatomoSimulatorOptions,
  startMatomoSimulator,
} from "../../src/simulate/start_matomo_simulator.ts";

/**
 * Starts the simulator on a free port, without its start-up log line;
 * `await using` the result.
 *
 * @example
 * ```ts
 * await using sim = await simulator({ actions: 300, episodes: 10 });
 * ```
 */
export function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, quiet: true, ...options });
}

/** The Matomo simulator the same way: a free loopback port, quiet. */
export function matomoSimulator(
  options: MatomoSimulatorOptions = {},
): Promise<MatomoSimulator> {
  return startMatomoSimulator({ port: 0, quiet: true, ...options });
}

/** A JSON answer, untyped: the tests read the simulator's raw shapes. */
// deno-lint-ignore no-explicit-any
export type Json = any;

/** GETs `url` and parses its JSON; a status other than 200 fails the test. */
export async function getJson(url: string): Promise<Json> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${url} answered ${response.status}: ${text}`);
  }
  return JSON.parse(text);
}
