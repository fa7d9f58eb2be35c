/**
 * The pure decisions of a harvest run: whether it moves the checkpoint,
 * which window(s) it harvests, and what to warn about.
 *
 * @module
 */
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import { type HarvestWindow, resolveWindow } from "./resolve_window.ts";
import { checkSpan } from "./check_span.ts";
import { splitWindow } from "./split_window.ts";
import type { ActionSource } from "../source/action_source.ts";

/** The settings the plan reads. */
export type PlanSettings = Pick<
  HarvestSettings,
  | "start"
  | "end"
  | "updateCheckpoint"
  | "dryRun"
  | "catchUp"
  | "maxSpanSeconds"
  | "spanCheck"
  | "zone"
  | "intervalMinutes"
>;

/** Whether a run moves the checkpoint, known before anything is opened. */
export interface CheckpointPolicy {
  /** The run would move the checkpoint (a dry run only says where to). */
  readonly moves: boolean;
  /** The run saves the checkpoint, and so takes the lock. */
  readonly saves: boolean;
}

/**
 * Runs from the checkpoint move it; a `--start` run (a backfill, a look) does
 * not unless asked to; a dry run never saves.
 *
 * @example Usage
 * ```ts
 * checkpointPolicy({ updateCheckpoint: "auto", start: undefined, dryRun: false });
 * // { moves: true, saves: true }
 * ```
 */
export function checkpointPolicy(
  settings: Pick<PlanSettings, "updateCheckpoint" | "start" | "dryRun">,
): CheckpointPolicy {
  const moves = settings.updateCheckpoint === "always" ||
    (settings.updateCheckpoint === "auto" && settings.start === undefined);
  return { moves, saves: moves && !settings.dryRun };
}

/** A log line the plan asks for. */
export interface PlanNote {
  readonly level: "info" | "warn";
  readonly message: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** What a run harvests. */
export interface HarvestPlan extends CheckpointPolicy {
  /** The whole window, after any hold before a server midnight. */
  readonly window: HarvestWindow;
  /** The window itself, or its `--catch-up` sub-windows. */
  readonly windows: readonly HarvestWindow[];
  /** Log lines, in order. */
  readonly notes: readonly PlanNote[];
}

/** Options for {@linkcode planHarvest}. */
export interface PlanHarvestOptions {
  readonly settings: PlanSettings;
  /** The stored checkpoint. */
  readonly stored: Checkpoint | null;
  /** The current time. */
  readonly now: Temporal.Instant;
  /** The source the run reads: how far it can read a window ending now. */
  readonly source: Pick<ActionSource, "latestEnd">;
}

/**
 * Decides the run: the window from the flags, the checkpoint and the clock;
 * a run that moves the checkpoint and ends now ends where the source can read
 * completely (`ActionSource.latestEnd`: upstream Opencast stops before a
 * server midnight's edge, which the next run fills whole); `--catch-up`
 * splits a window longer than the span; and the warnings.
 *
 * @throws {ConfigError} For a window the flags and clock make invalid.
 * @throws {SpanExceededError} For a window longer than the span without `--catch-up`.
 */
export function planHarvest(options: PlanHarvestOptions): HarvestPlan {
  const { settings, stored, now, source } = options;
  const policy = checkpointPolicy(settings);
  const notes: PlanNote[] = [];
  const resolved = resolveWindow({
    start: settings.start,
    end: settings.end,
    checkpoint: stored,
    now,
    zone: settings.zone,
    intervalMinutes: settings.intervalMinutes,
  });
  const latest = policy.moves && settings.end === undefined
    ? source.latestEnd?.(resolved.end)
    : undefined;
  const hold = latest !== undefined &&
      Temporal.Instant.compare(latest, resolved.end) < 0
    ? latest
    : null;
  const window = hold === null ? resolved : {
    ...resolved,
    end: Temporal.Instant.compare(hold, resolved.start) > 0
      ? hold
      : resolved.start,
  };
  if (hold !== null) {
    notes.push({
      level: "info",
      message:
        "Holding the window end at {end}, as far as the source can read completely now: a later run goes on",
      properties: { end: window.end.toString() },
    });
  }
  const windows = settings.catchUp && settings.maxSpanSeconds !== undefined
    ? splitWindow(window, settings.maxSpanSeconds)
    : [window];
  if (settings.spanCheck && !settings.catchUp) {
    checkSpan(window, settings.maxSpanSeconds);
  }
  if (
    policy.saves && window.startSource === "flag" && stored &&
    Temporal.Instant.compare(window.start, stored.timestamp) > 0
  ) {
    notes.push({
      level: "warn",
      message:
        "--update-last-ts with --start after the checkpoint: actions from {checkpoint} to {start} " +
        "will not be harvested by runs that continue from the checkpoint",
      properties: {
        checkpoint: stored.timestamp.toString(),
        start: window.start.toString(),
      },
    });
  }
  if (settings.catchUp && settings.maxSpanSeconds === undefined) {
    notes.push({
      level: "warn",
      message:
        "--catch-up does nothing without MAX_START_END_SPAN: harvesting one window",
      properties: {},
    });
  }
  return { ...policy, window, windows, notes };
}
