/**
 * The text a checkpoint store holds. The new format is one JSON object; the
 * original's bare `YYYYMMDDHHmmss` is still read, so an existing deployment
 * switches over without losing its place (record-schema.md §3).
 *
 * ```json
 * {"version":1,"timestamp":"2016-10-21T18:03:27Z","last_action_ts":"20161021140327","zone":"America/New_York","ids":[9120458,9120463]}
 * ```
 *
 * `timestamp` is authoritative; `last_action_ts` (the original's format, in
 * `zone`) is there for people reading the object. With `--output file:PATH`
 * the checkpoint also records how long the output file was when it was saved
 * (`"output":{"path":"/data/actions.jsonl","size":123456}`), so a run can cut
 * off a page that was written but never checkpointed (a crash in between).
 *
 * `source` names the action source that wrote it (`opencast`, `matomo`), and
 * `position` holds that source's own position, a JSON value only it reads
 * (upstream Opencast's days still open: `"position":{"days":[{"day":
 * "20261204","total":5033,"ids":[…]}]}`). A checkpoint without `source` (the
 * bare timestamp, and JSON written before sources had names) is Opencast's,
 * and such JSON's top-level `cursor` (issue 8's day cursor) is read as its
 * position.
 *
 * @module
 */

import { ApiContractError } from "../errors.ts";
import {
  formatCompactTimestamp,
  formatUtcSeconds,
  parseCompactTimestamp,
  parseOffsetTimestamp,
} from "../opencast/opencast_time.ts";
import { echoValue } from "../util/echo_value.ts";

/** The generic high-water mark: the newest second delivered, and what was delivered in it. */
export interface HighWaterMark {
  /** The newest `created` second delivered (whole seconds). */
  readonly timestamp: Temporal.Instant;
  /**
   * Ids of the actions delivered within that second: the next run starts at
   * that second again (the API's `start` has second granularity) and skips them.
   */
  readonly ids: readonly number[];
}

/** A JSON value a source saves with the checkpoint and reads back next run. */
export type SourcePosition =
  | null
  | boolean
  | number
  | string
  | readonly SourcePosition[]
  | { readonly [key: string]: SourcePosition };

/** The harvest position: the high-water mark, plus what the source and the output need. */
export interface Checkpoint extends HighWaterMark {
  /**
   * Where a file output ended when this checkpoint was saved; absent for
   * other outputs and in checkpoints written before this field existed.
   */
  readonly output?: OutputPosition;
  /**
   * The action source that wrote it (`ActionSource.name`); absent in
   * checkpoints written before sources had names, which are
   * {@linkcode LEGACY_SOURCE}'s.
   */
  readonly source?: string;
  /** The source's own position (see `ActionSource`); absent when it keeps none. */
  readonly position?: SourcePosition;
  /**
   * How far the harvest read completely, when the mark stands behind it (a
   * source whose checkpoint is held back by an overlap: Matomo's by half an
   * hour), for `status`'s lag; absent when the mark says it.
   */
  readonly reached?: Temporal.Instant;
}

/** The source of a checkpoint that names none: every one written before sources had names. */
export const LEGACY_SOURCE = "opencast";

/** The length of an output file that matches a checkpoint. */
export interface OutputPosition {
  /** The output file (absolute path). */
  readonly path: string;
  /** Its size in bytes right after the last checkpointed page was written. */
  readonly size: number;
}

/** Options for {@linkcode parseCheckpoint}. */
export interface ParseCheckpointOptions {
  /**
   * Where the text came from, named in the error message (a store's `description`).
   * @default {"the checkpoint store"}
   */
  source?: string;
}

/** The format version {@linkcode serializeCheckpoint} writes. */
export const CHECKPOINT_VERSION = 1;

const COMPACT_REGEXP = /^\d{14}$/;

/**
 * Reads a stored checkpoint: the JSON format, or the original's bare
 * `YYYYMMDDHHmmss` (wall clock in the server zone, surrounding whitespace
 * allowed; it has no ids, so nothing is skipped and the actions of that
 * second are delivered again).
 *
 * @param text The stored text.
 * @param zone The server's time zone id, for the bare format.
 * @param options Where the text came from, for the error message.
 * @returns The checkpoint, its timestamp floored to whole seconds.
 * @throws {ApiContractError} When the text is neither format: a corrupt
 * checkpoint must stop the run, not silently restart from now.
 */
export function parseCheckpoint(
  text: string,
  zone: string,
  options: ParseCheckpointOptions = {},
): Checkpoint {
  const { source = "the checkpoint store" } = options;
  const value = text.trim();
  const fail = (problem: string): never => {
    throw new ApiContractError(
      `Cannot read the checkpoint in ${source}: ${problem}; fix it, or delete it and backfill with --start/--end`,
    );
  };
  if (COMPACT_REGEXP.test(value)) {
    try {
      return { timestamp: parseCompactTimestamp(value, zone), ids: [] };
    } catch {
      return fail(`'${echoValue(value)}' is not a real date and time`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    return fail(
      `expected JSON or a YYYYMMDDHHmmss timestamp, found '${excerpt(value)}'`,
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail(`expected a JSON object, found '${excerpt(value)}'`);
  }
  const record = data as Record<string, unknown>;
  if (record.version !== CHECKPOINT_VERSION) {
    return fail(
      `unsupported version ${
        JSON.stringify(record.version)
      } (this tool reads version ${CHECKPOINT_VERSION})`,
    );
  }
  const timestamp = typeof record.timestamp === "string"
    ? parseOffsetTimestamp(record.timestamp)
    : null;
  if (timestamp === null) {
    return fail(
      `'timestamp' must be ISO 8601 with an offset, found ${
        JSON.stringify(record.timestamp)
      }`,
    );
  }
  const ids = record.ids ?? [];
  if (
    !Array.isArray(ids) ||
    !ids.every((id) => typeof id === "number" && Number.isSafeInteger(id))
  ) {
    return fail(`'ids' must be a list of integers`);
  }
  const output = record.output;
  if (output !== undefined && !isOutputPosition(output)) {
    return fail(
      `'output' must be {"path": string, "size": bytes}, found ${
        excerpt(JSON.stringify(output))
      }`,
    );
  }
  const writtenBy = record.source;
  if (
    writtenBy !== undefined &&
    (typeof writtenBy !== "string" || writtenBy === "")
  ) {
    return fail(
      `'source' must name an action source, found ${
        excerpt(JSON.stringify(writtenBy))
      }`,
    );
  }
  const reached = record.reached === undefined
    ? undefined
    : typeof record.reached === "string"
    ? parseOffsetTimestamp(record.reached)
    : null;
  if (reached === null) {
    return fail(
      `'reached' must be ISO 8601 with an offset, found ${
        excerpt(JSON.stringify(record.reached))
      }`,
    );
  }
  // Written before sources had names: Opencast's upstream day cursor stood
  // at the top level. Moved as it is; the source checks its own position.
  const position = record.position ??
    (record.cursor === undefined ? undefined : { cursor: record.cursor });
  return {
    timestamp: timestamp.round({
      smallestUnit: "second",
      roundingMode: "floor",
    }),
    ids: [...ids as number[]],
    ...(output === undefined
      ? {}
      : { output: { path: output.path, size: output.size } }),
    ...(writtenBy === undefined ? {} : { source: writtenBy }),
    ...(position === undefined || position === null
      ? {}
      : { position: position as SourcePosition }),
    ...(reached === undefined ? {} : { reached }),
  };
}

function isOutputPosition(value: unknown): value is OutputPosition {
  if (typeof value !== "object" || value === null) return false;
  const { path, size } = value as Record<string, unknown>;
  return typeof path === "string" && path !== "" &&
    typeof size === "number" && Number.isSafeInteger(size) && size >= 0;
}

/**
 * Writes a checkpoint in the JSON format (one line, ids sorted and unique),
 * with its source and the source's position when it has them.
 *
 * @param checkpoint The checkpoint to store.
 * @param zone The server's time zone id, for the human-readable `last_action_ts`.
 * @param options Who writes it.
 * @returns The text to store.
 */
export function serializeCheckpoint(
  checkpoint: Checkpoint,
  zone: string,
  options: SerializeCheckpointOptions = {},
): string {
  return JSON.stringify({
    version: CHECKPOINT_VERSION,
    timestamp: formatUtcSeconds(checkpoint.timestamp),
    last_action_ts: formatCompactTimestamp(checkpoint.timestamp, zone),
    zone,
    ids: [...new Set(checkpoint.ids)].sort((a, b) => a - b),
    ...(checkpoint.output === undefined ? {} : {
      output: { path: checkpoint.output.path, size: checkpoint.output.size },
    }),
    ...(checkpoint.source === undefined ? {} : { source: checkpoint.source }),
    ...(checkpoint.position === undefined || checkpoint.position === null
      ? {}
      : { position: checkpoint.position }),
    ...(checkpoint.reached === undefined
      ? {}
      : { reached: formatUtcSeconds(checkpoint.reached) }),
    ...(options.writer === undefined ? {} : { writer: options.writer }),
  });
}

/** Options for {@linkcode serializeCheckpoint}. */
export interface SerializeCheckpointOptions {
  /**
   * Which run wrote this, and its how-manieth write (ignored on read): two
   * runs that reach the same position write different texts, so a store's
   * fence can tell a retry of its own write from another run's.
   *
   * @default {undefined}
   */
  readonly writer?: string;
}

function excerpt(text: string): string {
  return echoValue(text, 40);
}
