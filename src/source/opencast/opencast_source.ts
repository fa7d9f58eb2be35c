/**
 * Opencast's usertracking as an action source, in either variant: the
 * Harvard DCE fork's `start`/`end` pages, or upstream's `day` pages with the
 * midnight edges filled by id.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { UPSTREAM_ID_MARGIN_SECONDS } from "../../config/defaults.ts";
import type { UserAction } from "../../opencast/types.ts";
import { type Clock, SYSTEM_CLOCK } from "../../util/clock.ts";
import { pace } from "../../util/pace.ts";
import type {
  ActionSource,
  ReadOptions,
  SourceBatch,
  SourceWindow,
} from "../action_source.ts";
import type { OpencastApi } from "./detect_opencast_api.ts";
import type { OpencastBatch } from "./opencast_batch.ts";
import { opencastPosition, readOpencastPosition } from "./opencast_position.ts";
import { createdOffsetMismatch } from "./created_offset_mismatch.ts";
import type { UsertrackingRequests } from "./usertracking_requests.ts";
import { dcePages } from "./dce/dce_pages.ts";
import { upstreamBatches } from "./upstream/upstream_batches.ts";
import { knownActions } from "./upstream/known_actions.ts";
import { edgeHold } from "./upstream/edge_hold.ts";

/** The name Opencast's checkpoints are kept under (`ActionSource.name`). */
export const OPENCAST_SOURCE = "opencast";

/** Options for {@linkcode createOpencastSource}. */
export interface OpencastSourceOptions {
  /** The usertracking API the engage node speaks. */
  readonly api: OpencastApi;
  /** The server's zone: the DCE window parameters, upstream's days, the offset check. */
  readonly zone: string;
  /** Actions per page (`-b`). */
  readonly batchSize: number;
  /**
   * Pause between page requests (`--wait`), ms; DCE pages then go one at a
   * time instead of a few at once. @default 0
   */
  readonly waitMs?: number;
  /**
   * The time the pause is measured on, and how it is taken.
   * @default SYSTEM_CLOCK
   */
  readonly clock?: Clock;
  /** The requests to read actions with. */
  readonly requests: UsertrackingRequests;
  /** The engage node (a host, never credentials), for the description. */
  readonly host: string;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Creates the Opencast source for an API already settled (see
 * `openOpencastSource()`, which detects it). Its position is what upstream
 * reading needs to tell new rows from old (see `opencast_position.ts`); a
 * day upstream reads for the first time comes in no particular order, so
 * the checkpoint is held back by the id margin there. The first action whose
 * `created` offset disagrees with `zone` is warned about once.
 */
export function createOpencastSource(
  options: OpencastSourceOptions,
): ActionSource {
  const {
    api,
    zone,
    batchSize,
    waitMs = 0,
    clock = SYSTEM_CLOCK,
    requests,
  } = options;
  let warnedOffset = false;

  function checkOffset(actions: readonly UserAction[]): void {
    const sample = actions[0];
    if (warnedOffset || sample === undefined) return;
    const offset = createdOffsetMismatch(sample.created, zone);
    if (offset === null) return;
    warnedOffset = true;
    logger.warn(
      "Opencast writes created times with offset {offset} (e.g. {created}), but --server-timezone " +
        "{zone} has another offset then: set --server-timezone (OPENCAST_TIMEZONE) to the server's zone",
      { offset, created: sample.created, zone },
    );
  }

  function batches(
    window: SourceWindow,
    signal: AbortSignal | undefined,
  ): AsyncIterable<OpencastBatch> {
    const { start, end } = window;
    // The pause spares the server between list requests; none is sat out
    // after the last one, and a stop ends the one under way.
    const fetchPage = pace(requests.fetchPage, {
      intervalMs: waitMs,
      signal,
      now: () => clock.now().epochMilliseconds,
      sleep: (ms, { signal }) => clock.sleep(ms, signal),
    });
    if (api === "dce") {
      return dcePages({
        start,
        end,
        zone,
        batchSize,
        fetchPage,
        // A pause between pages spares the server: then one at a time.
        requestsInFlight: waitMs > 0 ? 1 : undefined,
      });
    }
    return upstreamBatches({
      start,
      end,
      zone,
      batchSize,
      fetchDay: fetchPage,
      fetchById: requests.fetchById,
      fetchAnchor: requests.fetchAnchor,
      known: knownActions(window.mark, start),
      position: readOpencastPosition(window.position),
    });
  }

  async function* read(
    window: SourceWindow,
    readOptions: ReadOptions = {},
  ): AsyncGenerator<SourceBatch> {
    const { signal } = readOptions;
    const iterator = batches(window, signal)[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (signal?.aborted) return;
        let next: IteratorResult<OpencastBatch>;
        try {
          next = await iterator.next();
        } catch (error) {
          // Stopped during a pause: the request it held back is not made.
          if (signal?.aborted && error === signal.reason) return;
          throw error;
        }
        if (next.done) return;
        const { actions, pages, probes, total, vouched, position } = next.value;
        checkOffset(actions);
        yield {
          actions,
          pages,
          probes,
          total,
          ...(vouched ? { vouched } : {}),
          position: position && opencastPosition(position),
        };
      }
    } finally {
      await iterator.return?.();
    }
  }

  return {
    name: OPENCAST_SOURCE,
    variant: api,
    description: `Opencast (${api}) at ${options.host}`,
    holdBackSeconds: api === "upstream" ? UPSTREAM_ID_MARGIN_SECONDS : 0,
    read,
    get requests() {
      return requests.requests;
    },
    // A cron run's end inside a server midnight's edge waits for a later run.
    ...(api === "upstream"
      ? { latestEnd: (end: Temporal.Instant) => edgeHold(end, zone) ?? end }
      : {}),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}
