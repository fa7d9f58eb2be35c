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
  /** How the pause is taken. @default SYSTEM_CLOCK.sleep */
  readonly sleep?: Clock["sleep"];
  /** The requests to read actions with. */
  readonly requests: UsertrackingRequests;
  /** The engage node (a host, never credentials), for the description. */
  readonly host: string;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Creates the Opencast source for an API already settled (see
 * `openOpencastSource()`, which detects it). Its position is upstream's day
 * cursor (see `opencast_position.ts`); upstream rows come in id order, which
 * follows `created` only to within the id margin, so the checkpoint is held
 * back by that margin there. The first action whose `created` offset
 * disagrees with `zone` is warned about once.
 */
export function createOpencastSource(
  options: OpencastSourceOptions,
): ActionSource {
  const {
    api,
    zone,
    batchSize,
    waitMs = 0,
    sleep = SYSTEM_CLOCK.sleep,
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

  function batches(window: SourceWindow): AsyncIterable<OpencastBatch> {
    const { start, end } = window;
    if (api === "dce") {
      return dcePages({
        start,
        end,
        zone,
        batchSize,
        fetchPage: requests.fetchPage,
        // A pause between pages spares the server: then one at a time.
        requestsInFlight: waitMs > 0 ? 1 : undefined,
      });
    }
    return upstreamBatches({
      start,
      end,
      zone,
      batchSize,
      fetchDay: requests.fetchPage,
      fetchById: requests.fetchById,
      fetchAnchor: requests.fetchAnchor,
      known: knownActions(window.mark, start),
      cursor: readOpencastPosition(window.position).cursor,
    });
  }

  async function* read(
    window: SourceWindow,
    readOptions: ReadOptions = {},
  ): AsyncGenerator<SourceBatch> {
    const { signal } = readOptions;
    const iterator = batches(window)[Symbol.asyncIterator]();
    try {
      for (let index = 0;; index++) {
        if (signal?.aborted) return;
        if (index > 0 && waitMs > 0) {
          await sleep(waitMs, signal);
          if (signal?.aborted) return;
        }
        const next = await iterator.next();
        if (next.done) return;
        const { actions, pages, probes, total, cursor } = next.value;
        checkOffset(actions);
        yield {
          actions,
          pages,
          probes,
          total,
          position: cursor && opencastPosition(cursor),
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
