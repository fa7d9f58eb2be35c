/**
 * The upstream Opencast strategy: a window's actions from `day` queries, with
 * the midnight edges filled by id.
 *
 * @module
 */
import { UPSTREAM_ID_MARGIN_SECONDS } from "../../../config/defaults.ts";
import { getLogger } from "@logtape/logtape";
import type { DayCursor } from "../opencast_position.ts";
import type { ActionPage, UserAction } from "../../../opencast/types.ts";
import type { OpencastBatch } from "../opencast_batch.ts";
import { type DayEdge, planServerDays } from "./plan_server_days.ts";
import { IdGapFill } from "./id_gap_fill.ts";

/** One `day` page request. */
export interface DayQuery {
  /** `YYYYMMDD` in the server zone. */
  readonly day: string;
  readonly limit: number;
  readonly offset: number;
}

/** Options for {@linkcode upstreamBatches}. */
export interface UpstreamBatchesOptions {
  readonly start: Temporal.Instant;
  readonly end: Temporal.Instant;
  /** The server's zone: its days and midnights. */
  readonly zone: string;
  /** Rows per `day` page. */
  readonly batchSize: number;
  /** Fetches one page of `actions.json?day=…`. */
  readonly fetchDay: (query: DayQuery) => Promise<ActionPage>;
  /** Fetches `action/{id}.json`: the action, or `null` for HTTP 204. */
  readonly fetchById: (id: number) => Promise<UserAction | null>;
  /**
   * Actions known to exist without asking (the checkpoint's): their ids, and
   * the latest their `created` can be. Where no list answer lies near an
   * edge, the id walk starts from them rather than from the table's newest
   * row. @default {none}
   */
  readonly known?: {
    readonly ids: readonly number[];
    readonly latest: Temporal.Instant;
  };
  /**
   * The newest row of the whole table, to start an id walk from when no
   * action near an edge is known at all (costly on a huge table: a count and
   * an offset to its end).
   * @default {none: such an edge is left unfilled}
   */
  readonly fetchAnchor?: () => Promise<UserAction | null>;
  /**
   * Where the previous run stopped reading a day; used only when this window
   * reads that day.
   * @default {undefined}
   */
  readonly cursor?: DayCursor;
  /** Probes in flight at a time. @default 4 */
  readonly probeConcurrency?: number;
  /** See {@linkcode IdGapFill}. @default 10 */
  readonly idMarginSeconds?: number;
  /** See {@linkcode IdGapFill}. @default 100 */
  readonly absentRunLimit?: number;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * The candidate actions of `[start, end]` on upstream Opencast, which filters
 * only by server `day` (opencast-api.md §3.1), batch by batch:
 *
 * 1. Every server day the plan needs (see `planServerDays()`: not a first day
 *    the window touches only in its last minute) is paged with `day`, `limit`
 *    and `offset`. Paging a day stops at its end, or after a page that holds an
 *    action created more than the id margin after the window end (the rows
 *    come in id or `created` order, so the rest are later still).
 * 2. Rows are consumed in order up to the first one created after the window
 *    end. The `day` window starts at each request's own seconds, so rows of
 *    the day's first minute come and go between requests and shift the
 *    offsets after them: every page starts a few rows early and is realigned
 *    on the last consumed ids (looking further back when they are not in the
 *    overlap), so no row is skipped between pages. The cursor (day, offset
 *    of the first row not consumed, id of the last consumed) travels with
 *    the checkpoint and the next run realigns on it the same way, reading
 *    the day again from offset 0 only when that action is gone. The overlap
 *    rows are handed on too, so a row committed late with an id just below
 *    the last one read is still delivered. Correctness
 *    never depends on the cursor: the window filter and the checkpoint's ids
 *    drop what was already delivered.
 * 3. The stretches around midnights that no `day` query surely returns
 *    (see `planServerDays()`) are filled by asking for the ids between their
 *    known neighbours (see {@linkcode IdGapFill}). The answers go out in one
 *    batch with the first page of the day after, sorted by `created`, so the
 *    checkpoint can still be saved batch by batch.
 *
 * The caller keeps only actions created in the window and not delivered yet.
 */
export async function* upstreamBatches(
  options: UpstreamBatchesOptions,
): AsyncGenerator<OpencastBatch> {
  const { start, end, zone } = options;
  const margin = (options.idMarginSeconds ?? UPSTREAM_ID_MARGIN_SECONDS) * 1000;
  // The previous day is left out only when the checkpoint's ids can bound
  // the id fill from below; else its rows do, cheaply.
  const plan = planServerDays(start, end, zone, {
    skipFirstDay: options.known !== undefined,
  });
  const fills = plan.edges.map((edge) => ({
    edge,
    fill: new IdGapFill({
      from: edge.from,
      to: edge.to,
      marginSeconds: options.idMarginSeconds,
      absentRunLimit: options.absentRunLimit,
    }),
  }));
  const observe = (actions: readonly UserAction[]) => {
    for (const action of actions) {
      const created = Date.parse(action.created);
      if (Number.isNaN(created)) continue;
      for (const { fill } of fills) fill.observe(action.id, created);
    }
  };
  const stopAfterMs = end.epochMilliseconds + margin;

  for (const day of plan.days) {
    const pages = dayPages(day, options, stopAfterMs);
    const edge = fills.find((f) => f.edge.dayAfter === day);
    if (edge !== undefined) {
      // The edge before this day: its upper neighbours are in this day's
      // first page; deliver both together, in created order.
      const first = await pages.next();
      const page = first.done ? undefined : first.value;
      if (page) observe(page.actions);
      const filled = await fillEdge(edge.fill, edge.edge, options);
      yield {
        actions: byCreated([...filled.actions, ...(page?.actions ?? [])]),
        pages: (page?.pages ?? 0) + filled.pages,
        probes: filled.probes,
        total: page?.total,
        cursor: page?.cursor,
      };
      if (first.done) continue;
    }
    for await (const page of pages) {
      observe(page.actions);
      yield page;
    }
  }
  // The edge after the last day (a window ending just before or after midnight).
  const last = fills.find((f) => !plan.days.includes(f.edge.dayAfter));
  if (last !== undefined) {
    const filled = await fillEdge(last.fill, last.edge, options);
    yield {
      actions: byCreated(filled.actions),
      pages: filled.pages,
      probes: filled.probes,
    };
  }
}

/**
 * Rows asked for again before the place the last page ended: the server's
 * `day` window starts at each request's own seconds (`[D 00:00:SS,
 * D 23:59:SS]`), so rows of the day's first minute come and go between two
 * requests and shift every offset after them.
 */
const OVERLAP = 50;
/** Pages a realignment steps back at most before it reads on regardless. */
const MAX_STEPS_BACK = 64;

/**
 * One day's pages, consuming rows up to the window end; see the module.
 *
 * Rows come in id order (no `ORDER BY`; the primary key), so the rows not
 * read yet are those with an id above the highest one read. Each page starts
 * {@linkcode OVERLAP} rows before where the last one ended; when even its
 * first row is newer than everything read (rows shifted back by more than
 * the overlap) or it is empty, it steps back a page at a time. A page never
 * asks for more than `batchSize + OVERLAP` rows, and every full page moves
 * the read position forward, so paging always ends.
 */
async function* dayPages(
  day: string,
  options: UpstreamBatchesOptions,
  stopAfterMs: number,
): AsyncGenerator<OpencastBatch> {
  const { batchSize, fetchDay } = options;
  const endMs = options.end.epochMilliseconds;
  const resume = options.cursor?.day === day ? options.cursor : undefined;
  // Where the last page ended, and the highest id read so far.
  let read = resume?.offset ?? 0;
  let newestRead = resume?.id ?? -Infinity;
  // Rows consumed (delivered or too old): the cursor's offset and id.
  let consumed = resume?.offset ?? 0;
  let consumedId = resume?.id;
  let consuming = true;
  let first = true;
  // Requests that stepped back are counted with the next page.
  let extraPages = 0;
  const limit = batchSize + OVERLAP;
  let offset = Math.max(0, read - OVERLAP);
  let steps = 0;
  let stalled = 0;
  for (;;) {
    const page = await fetchDay({ day, limit, offset });
    const rows = page.actions;
    if (
      offset > 0 && newestRead > -Infinity && steps < MAX_STEPS_BACK &&
      (rows.length === 0 || rows[0]!.id > newestRead)
    ) {
      // Nothing of this page was read before (or it is past the end): the
      // rows shifted back by more than the overlap. Look a page further back.
      extraPages++;
      steps++;
      offset = Math.max(0, offset - batchSize);
      continue;
    }
    let stop = rows.length < limit;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      const created = Date.parse(row.created);
      if (created > stopAfterMs) stop = true;
      const isNew = row.id > newestRead;
      if (!consuming || !isNew) continue;
      if (created > endMs) {
        // Past the window end: this row and the rest wait for the next run.
        consuming = false;
        continue;
      }
      consumed = offset + index + 1;
      consumedId = row.id;
    }
    const before = newestRead;
    for (const row of rows) newestRead = Math.max(newestRead, row.id);
    if (newestRead > before) {
      steps = 0;
      stalled = 0;
    } else if (!stop && ++stalled > MAX_STEPS_BACK) {
      // Pages keep shifting under us (a clock that jumps back and forth):
      // stop this day where the cursor stands; the next run goes on there.
      logger.warn(
        "Day {day}: the rows kept shifting while being paged; this run stops the day at row {offset}, the next one goes on from there",
        { day, offset: consumed },
      );
      stop = true;
    }
    read = offset + rows.length;
    yield {
      // The overlap too: a row committed late with an id just below the
      // newest one read lands there (what was delivered is dropped by id).
      actions: rows,
      pages: 1 + extraPages,
      probes: 0,
      total: first ? page.total : undefined,
      cursor: consumed > 0 && consumedId !== undefined
        ? { day, offset: consumed, id: consumedId }
        : undefined,
    };
    first = false;
    extraPages = 0;
    if (stop) return;
    offset = Math.max(0, read - OVERLAP);
  }
}

/** Asks for the ids of one edge; returns the actions found. */
async function fillEdge(
  fill: IdGapFill,
  edge: DayEdge,
  options: UpstreamBatchesOptions,
): Promise<{ actions: UserAction[]; pages: number; probes: number }> {
  const concurrency = options.probeConcurrency ?? 4;
  let pages = 0;
  const found: UserAction[] = [];
  if (fill.needsAnchor && options.known) {
    // Placed no later than the edge's end, they are never taken for an
    // upper bound; at their latest, never for a lower one they may not be.
    const at = Math.min(
      options.known.latest.epochMilliseconds,
      edge.to.epochMilliseconds,
    );
    for (const id of options.known.ids) fill.observe(id, at);
  }
  if (fill.needsAnchor && options.fetchAnchor) {
    const anchor = await options.fetchAnchor();
    pages += 2;
    if (anchor !== null) {
      const created = Date.parse(anchor.created);
      fill.observe(anchor.id, created);
      // The anchor may itself lie in the edge.
      if (fill.covers(created)) found.push(anchor);
    }
  }
  const result = await walk(fill, options, concurrency, found);
  logger.debug(
    "Edge {from} to {to}: {probes} ids asked for, {found} actions found",
    {
      from: edge.from.toString(),
      to: edge.to.toString(),
      probes: result.probes,
      found: result.actions.length,
    },
  );
  return { ...result, pages };
}

async function walk(
  fill: IdGapFill,
  options: UpstreamBatchesOptions,
  concurrency: number,
  found: UserAction[],
): Promise<{ actions: UserAction[]; probes: number }> {
  const actions = [...found];
  for (;;) {
    const ids = fill.next(concurrency);
    if (ids.length === 0) break;
    const answers = await Promise.all(ids.map((id) => options.fetchById(id)));
    ids.forEach((id, index) => {
      const action = answers[index];
      if (action === null) {
        fill.record(id, null);
        return;
      }
      const created = Date.parse(action.created);
      fill.record(id, Number.isNaN(created) ? null : created);
      actions.push(action);
    });
  }
  return { actions, probes: fill.probes };
}

function byCreated(actions: readonly UserAction[]): UserAction[] {
  return actions.map((action) => ({ action, at: Date.parse(action.created) }))
    .sort((a, b) => a.at - b.at || a.action.id - b.action.id)
    .map(({ action }) => action);
}
