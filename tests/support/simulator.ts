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
