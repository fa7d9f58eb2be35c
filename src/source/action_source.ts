/**
 * Where viewer actions come from: one small interface for every source
 * (Opencast usertracking in its DCE and upstream variants, Matomo, …), in the
 * style of `RecordSink` and `CheckpointStore`. The harvest loop asks a source
 * for a window's candidate actions batch by batch and never branches on which
 * source it has; each source is a folder under `src/source/`.
 *
 * A source owns its **position**: whatever it needs, beyond the generic
 * high-water mark (newest second delivered and the ids delivered since the
 * held-back second), to resume exactly on the next run. The position is a
 * JSON value only the source reads; the checkpoint stores it under the
 * source's name, so one source's position is never read as another's.
 *
 * @module
 */
import type { ViewerAction } from "../record/viewer_action.ts";
import type {
  HighWaterMark,
  SourcePosition,
} from "../checkpoint/checkpoint_format.ts";

export type { HighWaterMark, SourcePosition };

/** The window a source is asked for (both ends inclusive, whole seconds). */
export interface SourceWindow {
  readonly start: Temporal.Instant;
  readonly end: Temporal.Instant;
  /** Ids delivered already from the start second on (the checkpoint's). */
  readonly skipIds: ReadonlySet<number>;
  /**
   * The generic high-water mark the run stands at when the window starts:
   * the stored checkpoint's, then what each window before reached; `null`
   * when there is none. Its ids are actions known to exist (a source that
   * fills gaps by id may start from them); it may lie before `start`.
   */
  readonly mark: HighWaterMark | null;
  /**
   * This source's position where the window continues: the checkpoint's, or
   * the one the window before reached; `undefined` when there is none or the
   * window does not continue from one (a `--start` backfill).
   */
  readonly position: SourcePosition | undefined;
  /**
   * `true` when the window continues from the checkpoint (a cron run) or
   * from the window before, so `position` describes what was delivered
   * right before `start`.
   */
  readonly continuesCheckpoint: boolean;
}

/**
 * Candidate actions: a page of a list query, the answers to id probes, a page
 * of visits. Whatever it holds, the harvest delivers only actions created in
 * the window (vouched ones: up to its end) and not delivered yet.
 */
export interface SourceBatch {
  readonly actions: readonly ViewerAction[];
  /** List pages (requests for many actions) fetched for this batch. */
  readonly pages: number;
  /** Single actions asked for by id for this batch. */
  readonly probes: number;
  /** The server's count of what the query matches, when this is its first page. */
  readonly total?: number;
  /**
   * The source vouches that these actions were never delivered (upstream
   * Opencast: unknown ids of a day its count shows grew), whenever they were
   * created: the harvest delivers those created up to the window end, even
   * before its start, so an action stored late with an old `created` is not
   * lost. It still drops repeats (the checkpoint's ids, this run's).
   */
  readonly vouched?: boolean;
  /**
   * The source's position once this batch and every one before it are
   * delivered; `undefined` leaves it as it was, `null` clears it.
   */
  readonly position?: SourcePosition;
}

/** One source of viewer actions, opened from resolved settings. */
export interface ActionSource extends AsyncDisposable {
  /** The key its position is stored under in the checkpoint: `opencast`, `matomo`. */
  readonly name: string;
  /**
   * What it is, for the start line, `status`, the last-run record and the
   * metrics' build info, e.g. `dce`, `upstream`, `matomo`. The summary and
   * `status` say it in words through `sourceLabel()`: give a new variant
   * its words there.
   */
  readonly variant: string;
  /** A short description for logs (never a secret), e.g. `Opencast (upstream) at https://engage.example.edu`. */
  readonly description: string;
  /**
   * Seconds the saved high-water mark stays behind the newest action
   * delivered (with every id delivered since), because this source can
   * bring actions that much older later. 0 when it returns actions in
   * creation order.
   */
  readonly holdBackSeconds: number;
  /**
   * How the checkpoint follows the batches. `created` (the default): they
   * come in `created` order within `holdBackSeconds`, and the saved mark
   * follows each delivered batch with the ids delivered since. `position`:
   * they follow no `created` order (Matomo pages visits by their last
   * action), and the source's position records what it handed over, which
   * it drops when it reads it again; the mark then stays where a window
   * started until the window is finished, moves to the window's end held
   * back by `holdBackSeconds`, and keeps no ids (see
   * `createWindowCheckpoint()`).
   */
  readonly progress?: "created" | "position";
  /**
   * Actions the source read but that are not viewer actions, by reason
   * (Matomo's `timeupdate` events, page views that name no episode, …),
   * each counted once, for the run's summary; absent when it has none.
   */
  readonly skippedByReason?: Readonly<Record<string, number>>;
  /**
   * The window's candidate actions, batch by batch, pulled in order (the
   * harvest prepares a few ahead of delivery). The source paces its own
   * requests (`--wait`), stops requesting once the signal aborts, and may
   * throw a typed error (an unreadable position, a server that went away).
   */
  read(window: SourceWindow, options?: ReadOptions): AsyncIterable<SourceBatch>;
  /** Requests sent for actions so far (list pages, probes, detection), for the summary. */
  readonly requests: number;
  /**
   * How far a window that ends now (a cron run's) can be read completely at
   * this moment: the harvest ends such a window there, and a later run goes
   * on. Upstream Opencast holds an end that falls just around a server
   * midnight; absent, every end can be read.
   *
   * @param end The window end the run would use (now).
   * @returns An instant no later than `end`.
   */
  latestEnd?(end: Temporal.Instant): Temporal.Instant;
}

/** Options for {@linkcode ActionSource.read}. */
export interface ReadOptions {
  /** Aborted: stop requesting (the run stops or lost its lock). */
  readonly signal?: AbortSignal;
}
