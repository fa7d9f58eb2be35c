import type { HarvestWindow } from "./resolve_window.ts";
import type { PlanNote } from "./plan_harvest.ts";
import { describeWindow } from "./describe_window.ts";
import { wallClock } from "./wall_clock.ts";
import { describeOutput } from "./open_harvest_parts.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import type { ActionSource } from "../source/action_source.ts";
import { plural } from "../util/plural.ts";

/** Options for {@linkcode describeHarvestStart}. */
export interface DescribeHarvestStartOptions {
  /** The whole window of the run. */
  readonly window: HarvestWindow;
  /** How many (`--catch-up`) windows it is harvested in. */
  readonly windows: number;
  /** The server's zone, and where records go. */
  readonly settings: Pick<HarvestSettings, "zone" | "output">;
  /** Where the actions come from, and what it is (`dce`, `upstream`, …). */
  readonly source: Pick<ActionSource, "description" | "variant">;
  /** Where the checkpoint lives (the store's description). */
  readonly checkpointStore: string;
  /** Whether this run saves the checkpoint. */
  readonly saves: boolean;
}

/**
 * The run's first log line: the window (wall clock and UTC, also as separate
 * properties for structured logs), where the start came from, the source and
 * its variant, the output and the checkpoint, and whether this run leaves the
 * checkpoint where it is.
 */
export function describeHarvestStart(
  options: DescribeHarvestStartOptions,
): PlanNote {
  const { window, settings: { zone } } = options;
  return {
    level: "info",
    message: "Harvesting {window}, start from {startSource}, " +
      `{windows} ${
        plural(options.windows, "window")
      }, source {source}, output {output}, checkpoint {checkpointStore}{saving}`,
    properties: {
      window: describeWindow(window.start, window.end, zone),
      start: wallClock(window.start, zone),
      end: wallClock(window.end, zone),
      zone,
      startUtc: window.start.toString({ smallestUnit: "second" }),
      endUtc: window.end.toString({ smallestUnit: "second" }),
      startSource: window.startSource,
      windows: options.windows,
      source: options.source.description,
      variant: options.source.variant,
      output: describeOutput(options.settings),
      checkpointStore: options.checkpointStore,
      saving: options.saves ? "" : " (not moved by this run)",
    },
  };
}
