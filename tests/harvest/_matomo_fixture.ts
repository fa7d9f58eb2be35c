/**
 * Harvests of the Matomo simulator run in process at a chosen "now": the
 * flags parsed as `main.ts` parses them, the settings resolved with an
 * injected environment and clock, then `runHarvest()`, its logs captured.
 * Optionally an Opencast 18+ simulator (oc16, no usertracking) with the
 * same episodes, for the episode metadata.
 *
 * @module
 */
import { join } from "node:path";
import type { LogRecord } from "@logtape/logtape";
import { UaHarvestError } from "../../src/errors.ts";
import type { HarvestSummary } from "../../src/harvest/harvest_summary.ts";
import type {
  MatomoSimulator,
  MatomoSimulatorOptions,
} from "../../src/simulate/start_matomo_simulator.ts";
import { matomoSimulator } from "../support/simulator.ts";
import {
  type Simulator,
  startSimulator,
} from "../../src/simulate/start_simulator.ts";
import type { ViewerAction } from "../../src/record/viewer_action.ts";
import { captureLogs, logLine } from "../support/capture_logs.ts";
import { harvestAt } from "../support/harvest_at.ts";

/** Options for {@linkcode openMatomoFixture}. */
export interface MatomoFixtureOptions extends MatomoSimulatorOptions {
  /** Start an Opencast 18+ simulator with the same episodes. @default false */
  readonly opencast?: boolean;
}

/** What one in-process harvest gave. */
export interface HarvestOutcome {
  readonly exitCode: number;
  /** The error's one line, when the run failed. */
  readonly error?: string;
  readonly logs: readonly LogRecord[];
  /** The logs as text, one line each. */
  readonly lines: readonly string[];
  readonly summary?: HarvestSummary;
}

/** A Matomo simulator (and maybe Opencast), a temp dir, disposed together. */
export interface MatomoFixture extends AsyncDisposable {
  readonly sim: MatomoSimulator;
  readonly opencast?: Simulator;
  readonly dir: string;
  /** The environment of a run: the token, and homes for state and cache. */
  readonly env: Record<string, string>;
  /** `harvest --source matomo` flags for the simulators, the state file and `more`. */
  args(...more: string[]): string[];
  /** {@linkcode args} for the window `start` to `end` (`-s`, `-e`) into the file `output`. */
  backfillArgs(
    start: Temporal.Instant | string,
    end: Temporal.Instant | string,
    output: string,
    ...more: string[]
  ): string[];
  /** Runs a harvest in process at `now`. */
  harvestAt(
    now: Temporal.Instant,
    args: readonly string[],
    env?: Record<string, string>,
  ): Promise<HarvestOutcome>;
  /** The records of a JSON-lines output file (none when it does not exist). */
  records(path: string): Promise<Record<string, unknown>[]>;
}

/** Starts the simulators; `await using` the result. */
export async function openMatomoFixture(
  options: MatomoFixtureOptions = {},
): Promise<MatomoFixture> {
  const { opencast: withOpencast = false, ...simOptions } = options;
  const sim = await matomoSimulator({
    ...simOptions,
  });
  const opencast = withOpencast
    ? await startSimulator({
      port: 0,
      quiet: true,
      flavor: "oc16",
      usertracking: false,
      seed: simOptions.seed,
      episodes: simOptions.episodes,
      spanEnd: simOptions.spanEnd,
      timezone: sim.timezone,
      actions: 0,
    })
    : undefined;
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-matomo-" });
  const env = {
    MATOMO_TOKEN_AUTH: sim.tokenAuth,
    HOME: dir,
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CACHE_HOME: join(dir, "cache"),
  };
  const args = (...more: string[]) => [
    "--source",
    "matomo",
    "--matomo-url",
    sim.url,
    ...(opencast ? ["-H", opencast.url] : []),
    "--cache-file",
    join(dir, "episodes.sqlite"),
    "--state-file",
    join(dir, "checkpoint.json"),
    "--wait",
    "0",
    ...more,
  ];
  return {
    sim,
    opencast,
    dir,
    env,
    args,
    backfillArgs: (start, end, output, ...more) =>
      args(
        "-s",
        start.toString(),
        "-e",
        end.toString(),
        "--output",
        `file:${output}`,
        ...more,
      ),
    async harvestAt(now, args, extraEnv = {}) {
      const runEnv = { ...env, ...extraEnv };
      let summary: HarvestSummary | undefined;
      const [outcome, logs] = await captureLogs(async () => {
        try {
          const result = await harvestAt(now, args, runEnv, {
            onSummary: (s) => summary = s,
          });
          return { exitCode: result.exitCode };
        } catch (error) {
          if (!(error instanceof UaHarvestError)) throw error;
          return { exitCode: error.exitCode, error: error.message };
        }
      });
      return { ...outcome, logs, lines: logs.map(logLine), summary };
    },
    async records(path) {
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return [];
        throw error;
      }
      return text.split("\n").filter((line) => line !== "").map((line) =>
        JSON.parse(line)
      );
    },
    async [Symbol.asyncDispose]() {
      await sim.close();
      await opencast?.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** The ground truth's actions created from `start` to `end` (whole seconds, both included). */
export function truthBetween(
  sim: MatomoSimulator,
  start: Temporal.Instant,
  end: Temporal.Instant,
): ViewerAction[] {
  const from = Math.floor(start.epochMilliseconds / 1000) * 1000;
  const to = Math.floor(end.epochMilliseconds / 1000) * 1000 + 999;
  return sim.groundTruth().actions.filter((action) => {
    const created = Date.parse(action.created);
    return created >= from && created <= to;
  });
}
