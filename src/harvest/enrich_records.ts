import type { ViewerAction } from "../record/viewer_action.ts";
import type { ActionRecord } from "../record/action_record.ts";
import { buildRecord } from "../record/build_record.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";

/** Actions an early part holds at least (about ten SQS batches, one write). */
export const MIN_PART_ACTIONS = 100;
/** Early parts a batch is cut into at most (each may save the checkpoint). */
export const MAX_PARTS = 10;

/** Records of a run of a batch's actions, ready to deliver. */
export interface RecordPart {
  /** The actions, a run of the batch's in its order. */
  readonly actions: readonly ViewerAction[];
  /** Their records, in the same order. */
  readonly records: ActionRecord[];
  /** Whether the batch ends with it: only then is the whole batch delivered. */
  readonly last: boolean;
}

/** A batch being enriched; see {@linkcode enrichInParts}. */
export interface EnrichingBatch {
  /** Its parts, in order; the last rejects when an episode cannot be fetched. */
  parts(): AsyncGenerator<RecordPart>;
  /** Settles once every lookup of the batch has (never rejects). */
  readonly settled: Promise<void>;
}

/** Options for {@linkcode enrichInParts}. */
export interface EnrichInPartsOptions {
  /**
   * The fewest actions of an early part: smaller runs wait for more of the
   * batch. @default {the larger of MIN_PART_ACTIONS and a tenth of the batch}
   */
  readonly minPart?: number;
}

/**
 * The enrich and build stages of one batch, delivered in parts: starts the
 * lookup of the batch's episodes at once, and while it runs hands out the
 * leading run of actions whose episodes are known (cached, or looked up for
 * an earlier batch) as soon as it holds `minPart` actions, so the sink need
 * not wait for the slowest episode of the page. Parts follow the batch's
 * order, so delivery order is unchanged; the last part waits for the whole
 * lookup (and its cache write) and rejects as it does. Like a batch cut by
 * `cutBatches()`, only the last part completes the batch: its position goes
 * with that part alone.
 *
 * @param actions The batch's actions (kept by the window filter).
 * @param lookup The run's episode lookup.
 * @param options The least size of an early part.
 */
export function enrichInParts(
  actions: readonly ViewerAction[],
  lookup: Pick<EpisodeLookup, "lookup" | "peek" | "pending">,
  options: EnrichInPartsOptions = {},
): EnrichingBatch {
  const {
    minPart = Math.max(MIN_PART_ACTIONS, Math.ceil(actions.length / MAX_PARTS)),
  } = options;
  const ids = actions.map((action) => action.mediapackageId);
  const whole = actions.length === 0
    ? Promise.resolve(new Map())
    : lookup.lookup(ids);
  let done = false;
  const settled = whole.then(() => {}, () => {}).finally(() => done = true);
  const build = (from: number, to: number) =>
    actions.slice(from, to).map((action) =>
      buildRecord(action, lookup.peek(action.mediapackageId) ?? null)
    );
  async function* parts(): AsyncGenerator<RecordPart> {
    let from = 0;
    while (!done) {
      let to = from;
      while (to < ids.length && lookup.peek(ids[to]!) !== undefined) to++;
      if (to === ids.length) break;
      if (to - from >= minPart) {
        yield {
          actions: actions.slice(from, to),
          records: build(from, to),
          last: false,
        };
        from = to;
        continue;
      }
      // Wait for the episode holding the run up, or for the whole lookup
      // (an id neither known nor in flight has failed: the batch will).
      const blocking = lookup.pending(ids[to]!);
      await (blocking
        ? Promise.race([blocking.then(() => {}, () => {}), settled])
        : settled);
    }
    const episodes = await whole;
    yield {
      actions: from === 0 ? actions : actions.slice(from),
      records: actions.slice(from).map((action) =>
        buildRecord(action, episodes.get(action.mediapackageId) ?? null)
      ),
      last: true,
    };
  }
  return { parts, settled };
}
