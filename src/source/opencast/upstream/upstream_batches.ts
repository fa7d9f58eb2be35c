/**
 * The upstream Opencast strategy: a window's actions from `day` queries,
 * counted until trusted, with the midnight stretches filled by id.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { UPSTREAM_ID_MARGIN_SECONDS } from "../../../config/defaults.ts";
import type { ActionPage, UserAction } from "../../../opencast/types.ts";
import type { OpencastBatch } from "../opencast_batch.ts";
import type { DayState, OpencastPosition } from "../opencast_position.ts";
import { type DayEdge, planServerDays } from "./plan_server_days.ts";
import { type DayBatch, type DayQuery, DayReader } from "./day_reader.ts";
import { type Anchor, EdgeWalk } from "./edge_walk.ts";
import { IdRanges } from "../../../util/id_ranges.ts";

export type { DayQuery } from "./day_reader.ts";

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
   * The newest row of the whole table, to start an id walk from when no
   * action near a midnight is known at all (a count and an offset to its end).
   * @default {none: such a stretch is left unfilled}
   */
  readonly fetchAnchor?: () => Promise<UserAction | null>;
  /**
   * Where the previous window left off (see `opencast_position.ts`); none
   * for a first run or a backfill. @default {none}
   */
  readonly position?: OpencastPosition;
  /**
   * Ids known to exist without asking (the checkpoint's, when it lies just
   * before the window): where nothing else is known near a midnight, the id
   * walk starts from them. @default {none}
   */
  readonly known?: readonly number[];
  /** Probes in flight at a time. @default 8 */
  readonly probeConcurrency?: number;
  /** See `EdgeWalk`. @default 10 */
  readonly marginSeconds?: number;
}

/** Rows read this close (in `created`) to a midnight stretch anchor its id walk. */
const ANCHOR_SECONDS = 600;
/** The id walk also looks at this many of the newest ids known for the day before. */
const LOW_RANK = 2000;
/** A day is closed this long after its midnight stretch ends (the settle of `edgeHold()`). */
const CLOSE_AFTER_SECONDS = 60;
/** A day whose count never came out is given up this long after it ended. */
const GIVE_UP_SECONDS = 3600;
/** Probes one midnight stretch may cost at most. */
const MAX_PROBES = 10_000;

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * The candidate actions of `[start, end]` on upstream Opencast, which filters
 * only by server `day` (opencast-api.md §3.1), batch by batch, with no
 * assumption about the order of ids or of rows:
 *
 * 1. Every server day the window touches (see `planServerDays()`), and every
 *    day the position still holds open, is read by a `DayReader`: a day read
 *    before from its end, a new one whole, each until the ids known for it
 *    account for its `total` (count, then trust). The rows of a day read
 *    before that were not known are new by its count: such batches are
 *    `vouched`, delivered whatever their `created` up to the window end.
 * 2. The stretches around midnights that no `day` query surely returns are
 *    filled by id (see `EdgeWalk`), except what an earlier window filled
 *    (`filled`). The rows found go out with the first page of the day after,
 *    sorted by `created`, so the checkpoint can still be saved batch by batch.
 * 3. Every batch carries the position the checkpoint saves: per day still
 *    open, the ids accounted for and its last `total`. A day is closed once
 *    its count came out and the window is past its midnight stretch.
 *
 * The caller keeps only actions created in the window (vouched ones: before
 * its end) and not delivered yet.
 */
export async function* upstreamBatches(
  options: UpstreamBatchesOptions,
): AsyncGenerator<OpencastBatch> {
  const { start, end, zone, batchSize } = options;
  const position = options.position ?? { days: [] };
  const open = new Map(position.days.map((state) => [state.day, state]));
  const firstDay = compactDay(start.toZonedDateTimeISO(zone).toPlainDate());
  let filled = position.filled;
  let closed = position.closed;
  // A first day the window touches only in its last minute: its part lies
  // in the midnight stretch, filled already or walked from what is known.
  const plan = planServerDays(start, end, zone, {
    skipFirstDay: !open.has(firstDay) &&
      (filled !== undefined || (options.known?.length ?? 0) > 0),
  });
  const edges = plan.edges.flatMap((edge) => {
    const from = filled !== undefined &&
        Temporal.Instant.compare(filled, edge.from) >= 0
      ? filled.add({ nanoseconds: 1 })
      : edge.from;
    return Temporal.Instant.compare(from, edge.to) <= 0
      ? [{ ...edge, from }]
      : [];
  });
  const days = [...new Set([...open.keys(), ...plan.days])]
    .filter((day) => open.has(day) || closed === undefined || day > closed)
    .sort();
  const readers = new Map<string, DayReader>();
  const done = new Set<string>();
  // Rows read near each stretch: its walk's anchors.
  const anchors = new Map<DayEdge, Anchor[]>(edges.map((edge) => [edge, []]));
  // Every id read by this run (compact: ids come in runs), so the walks
  // know which known ids an earlier run delivered.
  const readNow = new IdRanges();
  const onRow = (id: number, createdMs: number) => {
    readNow.add(id);
    for (const edge of edges) {
      if (
        createdMs >= edge.from.epochMilliseconds - ANCHOR_SECONDS * 1000 &&
        createdMs <= edge.to.epochMilliseconds + ANCHOR_SECONDS * 1000
      ) {
        anchors.get(edge)!.push({ id, createdMs });
      }
    }
  };

  const positionNow = (): OpencastPosition => {
    const states: DayState[] = [];
    for (
      const day of [...new Set([...open.keys(), ...readers.keys()])].sort()
    ) {
      if (done.has(day)) continue;
      const state = readers.get(day)?.state() ?? open.get(day);
      if (state) states.push(state);
    }
    return {
      days: states,
      ...(filled === undefined ? {} : { filled }),
      ...(closed === undefined ? {} : { closed }),
    };
  };
  const toBatch = (batch: DayBatch): OpencastBatch => ({
    actions: batch.actions,
    pages: batch.pages,
    probes: 0,
    ...(batch.total === undefined ? {} : { total: batch.total }),
    ...(batch.vouched ? { vouched: true } : {}),
    position: positionNow(),
  });
  const walkEdge = (edge: DayEdge) =>
    fillEdge(edge, {
      ...options,
      anchors: anchors.get(edge)!,
      readNow: (id) => readNow.has(id),
      readers,
      startMs: Math.floor(start.epochMilliseconds / 1000) * 1000,
    });

  for (const day of days) {
    const reader = new DayReader({
      day,
      zone,
      batchSize,
      end,
      state: open.get(day),
      fetchDay: options.fetchDay,
      onRow,
    });
    readers.set(day, reader);
    const pages = reader.read();
    const edge = edges.find((e) => e.dayAfter === day);
    if (edge !== undefined) {
      // The stretch before this day: its upper neighbours are in this day's
      // first page; deliver both together, in created order.
      const first = await pages.next();
      const page = first.done ? undefined : first.value;
      if (page?.vouched) yield toBatch(page);
      const found = await walkEdge(edge);
      filled = later(filled, edge.to);
      const together = page && !page.vouched
        ? [...page.actions, ...found.actions]
        : found.actions;
      yield {
        actions: byCreated(together),
        pages: (page && !page.vouched ? page.pages : 0) + found.pages,
        probes: found.probes,
        ...(page && !page.vouched && page.total !== undefined
          ? { total: page.total }
          : {}),
        position: positionNow(),
      };
    }
    for await (const batch of pages) yield toBatch(batch);
    if (closes(reader, end, zone)) {
      done.add(day);
      if (closed === undefined || day > closed) closed = day;
    }
  }
  // The stretch after the last day (a window ending just before midnight).
  const last = edges.find((edge) => !days.includes(edge.dayAfter));
  if (last !== undefined) {
    const found = await walkEdge(last);
    filled = later(filled, last.to);
    yield {
      actions: byCreated(found.actions),
      pages: found.pages,
      probes: found.probes,
      position: positionNow(),
    };
  }
  filled = later(filled, end);
  yield { actions: [], pages: 0, probes: 0, position: positionNow() };
}

/**
 * Whether a day is done with after this run: its count came out and the
 * window ended past its midnight stretch and the settle; or it never did and
 * the day ended an hour ago (warned: those rows are not looked for again).
 */
function closes(reader: DayReader, end: Temporal.Instant, zone: string) {
  const next = dayAfter(reader.day);
  const stretchEnd = wallMs(next, 0, 1, zone);
  const endMs = end.epochMilliseconds;
  if (reader.complete) {
    return endMs >= stretchEnd + CLOSE_AFTER_SECONDS * 1000;
  }
  if (endMs < wallMs(next, 0, 0, zone) + GIVE_UP_SECONDS * 1000) return false;
  logger.warn(
    "Opencast day {day}: {missing} actions it counts were never found by id or page; the harvest stops looking for them",
    { day: reader.day, missing: reader.missing },
  );
  return true;
}

interface FillOptions extends UpstreamBatchesOptions {
  readonly anchors: readonly Anchor[];
  /** Whether this run read an id (see `EdgeWalkOptions.readNow`). */
  readonly readNow?: (id: number) => boolean;
  readonly readers: ReadonlyMap<string, DayReader>;
  /** The window's start second: found rows of a vouched day before it are left to its count. */
  readonly startMs: number;
}

/** Walks the ids of one stretch; returns the actions found. */
async function fillEdge(
  edge: DayEdge,
  options: FillOptions,
): Promise<{ actions: UserAction[]; pages: number; probes: number }> {
  const { readers, zone } = options;
  const before = readers.get(edge.dayBefore);
  const after = readers.get(edge.dayAfter);
  const probed = new IdRanges(options.known ?? []);
  const known = (id: number) =>
    probed.has(id) || (before?.knows(id) ?? false) ||
    (after?.knows(id) ?? false);
  const found: UserAction[] = [];
  let pages = 0;
  let anchors = options.anchors;
  // Nothing read near the stretch: the checkpoint's ids, at the checkpoint.
  if (anchors.length === 0) {
    anchors = (options.known ?? []).map((id) => ({ id, createdMs: NaN }));
  }
  const knownTop = Math.max(
    before?.known.max ?? -Infinity,
    after?.known.max ?? -Infinity,
  );
  if (anchors.length === 0 && knownTop === -Infinity && options.fetchAnchor) {
    // Nothing known near the stretch at all: the table's newest row.
    const anchor = await options.fetchAnchor();
    pages += 2;
    if (anchor !== null) {
      anchors = [{ id: anchor.id, createdMs: Date.parse(anchor.created) }];
      probed.add(anchor.id);
      found.push(anchor);
    }
  }
  const dayBefore = before?.known;
  const walk = new EdgeWalk({
    from: edge.from,
    to: edge.to,
    known,
    anchors,
    low: dayBefore && dayBefore.size > 0
      ? dayBefore.idAtRank(Math.max(0, dayBefore.size - LOW_RANK))
      : undefined,
    top: Number.isFinite(knownTop) ? knownTop : undefined,
    ...(options.readNow ? { readNow: options.readNow } : {}),
    marginSeconds: options.marginSeconds ?? UPSTREAM_ID_MARGIN_SECONDS,
  });
  const concurrency = options.probeConcurrency ?? 8;
  for (;;) {
    if (walk.probes >= MAX_PROBES) {
      logger.warn(
        "Midnight stretch {from} to {to}: stopped after {probes} ids asked for; some of its actions may be missing",
        {
          from: edge.from.toString(),
          to: edge.to.toString(),
          probes: walk.probes,
        },
      );
      break;
    }
    const ids = walk.next(concurrency);
    if (ids.length === 0) break;
    // A known id asked for is a gap's neighbour whose `created` the walk
    // needs: learnt, not delivered again.
    const wasKnown = ids.map(known);
    const answers = await Promise.all(ids.map((id) => options.fetchById(id)));
    ids.forEach((id, index) => {
      probed.add(id);
      const action = answers[index] ?? null;
      const createdMs = action === null ? NaN : Date.parse(action.created);
      walk.record(
        id,
        action === null || Number.isNaN(createdMs) ? null : createdMs,
      );
      if (action !== null && !wasKnown[index]) found.push(action);
    });
  }
  // The rows found belong to their days: known there, and accounted for
  // unless they are a vouched day's before the window (its count finds them
  // again next run, and they are delivered then).
  for (const action of found) {
    const createdMs = Date.parse(action.created);
    if (Number.isNaN(createdMs)) continue;
    const reader = readers.get(serverDay(createdMs, zone));
    if (reader === undefined) continue;
    if (reader.vouched && createdMs < options.startMs) continue;
    reader.addFound(action.id, createdMs);
  }
  logger.debug(
    "Midnight stretch {from} to {to}: {probes} ids asked for, {found} actions found",
    {
      from: edge.from.toString(),
      to: edge.to.toString(),
      probes: walk.probes,
      found: found.length,
    },
  );
  return { actions: found, pages, probes: walk.probes };
}

function byCreated(actions: readonly UserAction[]): UserAction[] {
  return actions.map((action) => ({ action, at: Date.parse(action.created) }))
    .sort((a, b) => a.at - b.at || a.action.id - b.action.id)
    .map(({ action }) => action);
}

function later(
  a: Temporal.Instant | undefined,
  b: Temporal.Instant,
): Temporal.Instant {
  return a !== undefined && Temporal.Instant.compare(a, b) >= 0 ? a : b;
}

function serverDay(ms: number, zone: string): string {
  return compactDay(
    Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone)
      .toPlainDate(),
  );
}

function dayAfter(day: string): Temporal.PlainDate {
  return Temporal.PlainDate.from(
    `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`,
  ).add({ days: 1 });
}

function wallMs(
  day: Temporal.PlainDate,
  hour: number,
  minute: number,
  zone: string,
): number {
  return day.toPlainDateTime({ hour, minute }).toZonedDateTime(zone, {
    disambiguation: "later",
  }).epochMilliseconds;
}

function compactDay(day: Temporal.PlainDate): string {
  return `${String(day.year).padStart(4, "0")}${
    String(day.month).padStart(2, "0")
  }${String(day.day).padStart(2, "0")}`;
}
