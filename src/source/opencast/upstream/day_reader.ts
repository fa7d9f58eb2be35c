/**
 * Reads one upstream server day until the ids known for it account for its
 * `total`: count, then trust (issue 18).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { ActionPage, UserAction } from "../../../opencast/types.ts";
import type { DayState, EdgeRow } from "../opencast_position.ts";
import { IdRanges } from "../../../util/id_ranges.ts";
import {
  countDay,
  type CountedRow,
  type CountPage,
  type DayCount,
  type DayMinutes,
  dayMinutes,
  edgeOffset,
} from "./day_count.ts";

/** One `day` page request. */
export interface DayQuery {
  /** `YYYYMMDD` in the server zone. */
  readonly day: string;
  readonly limit: number;
  readonly offset: number;
}

/** Options for {@linkcode DayReader}. */
export interface DayReaderOptions {
  /** The server day, `YYYYMMDD`. */
  readonly day: string;
  /** The server's zone. */
  readonly zone: string;
  /** Rows per page (`-b`); a request asks for this plus the overlap at most. */
  readonly batchSize: number;
  /** The window end: rows created after it are read but not accounted for. */
  readonly end: Temporal.Instant;
  /** What an earlier run left of this day; `undefined` for a first read. */
  readonly state?: DayState;
  /** Fetches one page of `actions.json?day=…`. */
  readonly fetchDay: (query: DayQuery) => Promise<ActionPage>;
  /** Told of every row read (the midnight fill takes its neighbours from them). */
  readonly onRow?: (id: number, createdMs: number) => void;
}

/** A page of the day, as the strategy hands it on. */
export interface DayBatch {
  readonly actions: readonly UserAction[];
  /** Requests made for it (a page, and any that stepped back before it). */
  readonly pages: number;
  /** The day's `total`, on the first page of the day. */
  readonly total?: number;
  /**
   * The day was read before, so these rows are new by its count: deliver
   * them whatever their `created` before the window end.
   */
  readonly vouched: boolean;
}

/**
 * Rows asked for again before where the last request ended: the `day`
 * window starts at each request's own seconds, so rows of the day's first
 * minute come and go and shift the offsets after them.
 */
export const OVERLAP = 50;
/** Steps back (or pages that add nothing) before a forward read gives up. */
const MAX_STEPS_BACK = 64;
/** Reads of the answer's end again, for rows that arrived during the run. */
const MAX_TAIL_REREADS = 2;
/** Requests to settle edge-minute rows a count left open. */
const MAX_RESOLUTIONS = 2;

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * One server day, read so that every row its answer held at some request is
 * known, whatever order the server returns rows in (primary key, `created`,
 * anything) and however ids relate to `created`:
 *
 * - A day read before (`state`) is read from its previous `total` minus an
 *   overlap to the end of the answer; a day read for the first time (or
 *   whose first read stopped half-way) from the start. Either way each page
 *   after the first must begin with a row already read, else it steps back
 *   (rows shifted towards the start as first-minute rows left the answer).
 * - Then the count (see `countDay()`): while rows are surely missing, the
 *   read widens towards the start (half a page first, then doubling up to a
 *   page a request), or reads the end again when the `total` grew by as many
 *   during the run; when only edge-minute rows leave it open, one request
 *   that covers them settles them. It stops when the known ids account for
 *   the `total` (`complete`), or when the whole day was read and only
 *   arrivals or those edge rows remain (complete too), or when they cannot
 *   be settled, or at a request budget: the day then stays open and the
 *   next run counts again.
 * - A `total` below the ids surely present means rows were deleted: warned
 *   once, the day is read again whole, and what is in it now is known.
 *
 * The rows of a day read before that were not known yet are new by its
 * count (`vouched`); for a first read every row is handed on and the window
 * decides. Rows created up to the window end are accounted for in the
 * day's state (`state()`), the rest are read again by a later run.
 */
export class DayReader {
  readonly day: string;
  readonly #options: DayReaderOptions;
  readonly #minutes: DayMinutes;
  readonly #endMs: number;
  /** Ids accounted for before this run (what is not among them is new). */
  readonly #before: IdRanges;
  /** Ids known now: accounted before, or read this run. */
  #known: IdRanges;
  /** Ids to save: accounted before, or read this run and created by the window end. */
  #accounted: IdRanges;
  /** Known edge-minute rows, id to offset. */
  #first = new Map<number, number>();
  #last = new Map<number, number>();
  /** Ids read from the day's answers in this run. */
  readonly #seen = new IdRanges();
  #total: number;
  #partial: boolean;
  #complete = false;
  #missing = 0;
  #requests = 0;
  #latest: CountPage | undefined;
  #announcedTotal = false;
  /** Rows new to `#known` since the last settling request, and what it left missing. */
  #foundSinceHead = 0;
  #headMissing = 0;

  /** A reader of `day`, starting from what `state` says. */
  constructor(options: DayReaderOptions) {
    const { day, state } = options;
    this.day = day;
    this.#options = options;
    this.#minutes = dayMinutes(day, options.zone);
    this.#endMs = Math.floor(options.end.epochMilliseconds / 1000) * 1000 +
      999;
    this.#before = state && !state.partial ? state.ids : new IdRanges();
    this.#known = state?.ids.clone() ?? new IdRanges();
    this.#accounted = state?.ids.clone() ?? new IdRanges();
    for (const row of state?.first ?? []) this.#first.set(row.id, row.offsetMs);
    for (const row of state?.last ?? []) this.#last.set(row.id, row.offsetMs);
    this.#total = state?.total ?? 0;
    this.#partial = state === undefined || state.partial;
  }

  /** Whether this day was read before: its unknown rows are new. */
  get vouched(): boolean {
    return this.#options.state !== undefined && !this.#options.state.partial;
  }

  /** Whether the known ids accounted for the last `total` counted. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Rows the last count left unaccounted for (0 when complete). */
  get missing(): number {
    return this.#missing;
  }

  /** Requests made for this day. */
  get requests(): number {
    return this.#requests;
  }

  /** Whether an id is known for this day (the midnight fill asks). */
  knows(id: number): boolean {
    return this.#known.has(id);
  }

  /** The known ids (for the midnight fill's neighbours). */
  get known(): IdRanges {
    return this.#known;
  }

  /** Takes note of a row of this day found by id (the midnight fill). */
  addFound(id: number, createdMs: number): void {
    this.#note(id, createdMs);
  }

  /** What to save for this day now. */
  state(): DayState {
    const edge = (rows: Map<number, number>): EdgeRow[] => {
      const kept: EdgeRow[] = [];
      for (const [id, offsetMs] of rows) {
        if (this.#accounted.has(id)) kept.push({ id, offsetMs });
      }
      return kept;
    };
    return {
      day: this.day,
      total: this.#total,
      ids: this.#accounted.clone(),
      first: edge(this.#first),
      last: edge(this.#last),
      partial: this.#partial,
    };
  }

  /** Reads the day, page by page; see the class. */
  async *read(): AsyncGenerator<DayBatch> {
    const { batchSize } = this.#options;
    const state = this.#options.state;
    const from = this.vouched ? Math.max(0, state!.total - OVERLAP) : 0;
    let low = from;
    yield* this.#forward(from, false);
    if (this.#partial) this.#partial = false;
    const forwardTotal = this.#latest?.total ?? 0;
    // Twice the pages of a whole read, and a few: never a loop.
    const budget = 2 * Math.ceil(Math.max(forwardTotal, 1) / batchSize) + 12;
    let chunk = 0;
    let rereads = 0;
    let shrinkHandled = false;
    let resolutions = 0;
    let coveredAll = from === 0;
    for (;;) {
      const count = this.#count();
      this.#missing = Math.max(0, count.missingUpper);
      if (count.missingUpper === 0) {
        this.#complete = true;
        break;
      }
      if (count.missingUpper < 0) {
        // Fewer rows than surely known: some were deleted.
        this.#missing = 0;
        if (shrinkHandled || this.#requests >= budget) {
          this.#complete = true;
          break;
        }
        shrinkHandled = true;
        logger.warn(
          "Opencast day {day} now counts {total} actions, fewer than the {known} this harvest knows there: " +
            "actions were deleted on the server; reading the day again to deliver what is new",
          { day: this.day, total: this.#latest!.total, known: count.certainIn },
        );
        this.#forgetCore();
        yield* this.#forward(0, false);
        low = 0;
        coveredAll = true;
        continue;
      }
      if (this.#requests >= budget) break;
      // Rows surely missing: by this page's count, or by the last first
      // page's count less what was found since.
      const need = Math.max(
        count.missingLower,
        this.#headMissing - this.#foundSinceHead,
      );
      if (need <= 0) {
        // Only edge-minute rows leave the count open. Read the whole day
        // this run: what is not known arrived after its place was read.
        if (coveredAll) {
          this.#complete = true;
          break;
        }
        // One request that shows them settles them; if it does not, the
        // day stays open and the next run counts again.
        if (resolutions++ < MAX_RESOLUTIONS) {
          yield* this.#resolve(count);
          continue;
        }
        break;
      }
      const grew = (this.#latest?.total ?? 0) - forwardTotal;
      if (grew > 0 && need <= grew && rereads < MAX_TAIL_REREADS) {
        // As many rows arrived while the day was read: read its end again.
        rereads++;
        yield* this.#forward(
          Math.max(0, this.#latest!.total - grew - OVERLAP),
          false,
        );
        continue;
      }
      if (low > 0) {
        // Half a page first (a round trip costs more than rows), then
        // doubling up to a page.
        chunk = Math.min(
          batchSize,
          Math.max(chunk * 2, Math.ceil(batchSize / 2)),
        );
        const offset = Math.max(0, low - chunk);
        yield* this.#page(offset, low - offset + OVERLAP);
        low = offset;
        if (low === 0) coveredAll = true;
        continue;
      }
      if (rereads < MAX_TAIL_REREADS) {
        rereads++;
        yield* this.#forward(
          Math.max(0, (this.#latest?.total ?? 0) - batchSize),
          false,
        );
        continue;
      }
      break;
    }
    this.#total = this.#latest?.total ?? this.#total;
    logger.debug(
      "Day {day}: {total} counted, {known} known, {missing} not found yet, {requests} requests",
      {
        day: this.day,
        total: this.#total,
        known: this.#known.size,
        missing: this.#missing,
        requests: this.#requests,
      },
    );
  }

  /**
   * Pages from `from` to the end of the answer; each page after the first
   * (or the first, with `checkFirst`) must start with a row read in this run.
   */
  async *#forward(from: number, checkFirst: boolean): AsyncGenerator<DayBatch> {
    const { batchSize } = this.#options;
    const limit = batchSize + OVERLAP;
    let offset = from;
    let check = checkFirst;
    let steps = 0;
    let stalled = 0;
    let extra = 0;
    for (;;) {
      const page = await this.#fetch(offset, limit);
      const rows = page.actions;
      if (
        check && offset > 0 && steps < MAX_STEPS_BACK &&
        (rows.length === 0 || !this.#seen.has(rows[0]!.id))
      ) {
        // Nothing of this page was read before: the rows shifted back by
        // more than the overlap. Look a page further back.
        extra++;
        steps++;
        offset = Math.max(0, offset - batchSize);
        continue;
      }
      const fresh = this.#take(page, offset, limit);
      yield this.#batch(rows, 1 + extra);
      extra = 0;
      // The end of the answer (rows stored since its count are the next
      // read's, or the count's).
      if (rows.length < limit || offset + rows.length >= page.total) return;
      if (fresh > 0) {
        steps = 0;
        stalled = 0;
      } else if (++stalled > MAX_STEPS_BACK) {
        logger.warn(
          "Opencast day {day}: the rows kept shifting while being paged; this run stops reading the day at row {offset}, the next one goes on",
          { day: this.day, offset },
        );
        return;
      }
      offset += rows.length - OVERLAP;
      check = true;
    }
  }

  /** One page at `offset`. */
  async *#page(offset: number, limit: number): AsyncGenerator<DayBatch> {
    const page = await this.#fetch(offset, limit);
    this.#take(page, offset, limit);
    yield this.#batch(page.actions, 1);
  }

  /**
   * One request that covers the edge-minute rows a count left open, so the
   * next count settles them: the whole answer when it is small; else its
   * start for first-minute rows (the first rows by `created`, among the
   * lowest ids: few rows of the day have a lower one, those of blocks taken
   * before midnight), else its end for last-minute rows, from below the
   * lowest of them by id. At most four pages of rows.
   */
  async *#resolve(count: DayCount): AsyncGenerator<DayBatch> {
    const { batchSize } = this.#options;
    const cap = 4 * batchSize;
    const total = this.#latest!.total;
    const rank = (id: number) => this.#known.countBelow(id);
    const first = count.open.filter((row) => row.minute === "first");
    if (total + OVERLAP <= cap) {
      yield* this.#page(0, total + OVERLAP);
    } else if (first.length > 0) {
      const reach = Math.max(
        this.#first.size,
        ...first.map((row) => rank(row.id) + 1),
      );
      yield* this.#page(0, Math.min(cap, Math.max(batchSize, reach + OVERLAP)));
    } else {
      const lowest = Math.min(
        total - this.#last.size,
        ...count.open.map((row) => rank(row.id)),
      );
      const offset = Math.max(0, lowest - OVERLAP, total + OVERLAP - cap);
      yield* this.#page(offset, total - offset + OVERLAP);
    }
    // What that count says is surely missing stands until found.
    this.#headMissing = this.#count().missingLower;
    this.#foundSinceHead = 0;
  }

  async #fetch(offset: number, limit: number): Promise<ActionPage> {
    this.#requests++;
    return await this.#options.fetchDay({ day: this.day, limit, offset });
  }

  /** Takes note of a page's rows; returns how many were not known. */
  #take(page: ActionPage, offset: number, limit: number): number {
    const rows: CountedRow[] = [];
    let fresh = 0;
    for (const action of page.actions) {
      const createdMs = Date.parse(action.created);
      rows.push({ id: action.id, createdMs });
      this.#seen.add(action.id);
      if (this.#note(action.id, createdMs)) fresh++;
      this.#options.onRow?.(action.id, createdMs);
    }
    this.#latest = { total: page.total, offset, limit, rows };
    return fresh;
  }

  /** Notes a row of the day; `true` when it was not known. */
  #note(id: number, createdMs: number): boolean {
    const fresh = this.#known.add(id);
    if (fresh) this.#foundSinceHead++;
    if (createdMs <= this.#endMs) this.#accounted.add(id);
    const edge = Number.isNaN(createdMs)
      ? null
      : edgeOffset(createdMs, this.#minutes);
    if (edge?.minute === "first") this.#first.set(id, edge.offsetMs);
    if (edge?.minute === "last") this.#last.set(id, edge.offsetMs);
    return fresh;
  }

  #batch(rows: readonly UserAction[], pages: number): DayBatch {
    const total = this.#announcedTotal ? undefined : this.#latest?.total;
    this.#announcedTotal = true;
    return {
      actions: this.vouched
        ? rows.filter((row) => !this.#before.has(row.id))
        : rows,
      pages,
      ...(total === undefined ? {} : { total }),
      vouched: this.vouched,
    };
  }

  #count(): DayCount {
    return countDay(this.#latest!, this.#known.size, {
      first: this.#first,
      last: this.#last,
    }, this.#minutes);
  }

  /**
   * Before the day is read again after deletions: forgets the known rows
   * outside its edge minutes, so what the new read finds is all it knows
   * (the edge rows stay: an answer holds them only at some seconds).
   */
  #forgetCore(): void {
    const keep = [...this.#first.keys(), ...this.#last.keys()];
    this.#known = new IdRanges(keep);
    this.#accounted = new IdRanges(
      keep.filter((id) => this.#accounted.has(id)),
    );
  }
}
