/**
 * The simulator's action table: kept sorted by `(created, id)` so a
 * `start`/`end` or `day` window is two binary searches and a page is a
 * slice, and by id for the primary-key order upstream servers return.
 *
 * @module
 */
import type { ActionOrder } from "./_flavor.ts";
import type { ActionDraft, SimAction } from "./_generate.ts";

/** A usertracking list query: every given filter applies. */
export interface ActionQuery {
  /** Exact `type`. */
  readonly type?: string;
  /** Exact mediapackage id. */
  readonly mediapackageId?: string;
  /** Inclusive lower bound of `created`, epoch milliseconds. */
  readonly fromMs?: number;
  /** Inclusive upper bound of `created`, epoch milliseconds. */
  readonly toMs?: number;
  /** Row order of the answer. */
  readonly order: ActionOrder;
}

/** Query answers kept for paging; a page of the same query reuses the rows. */
const CACHED_QUERIES = 16;

/**
 * Formats an instant as JAXB writes a `java.util.Date`: the server zone with
 * its offset, `Z` for a zero offset, a fraction only when non-zero (R10).
 */
export function formatServerDateTime(
  instant: Temporal.Instant,
  timeZone: string,
): string {
  const text = instant.toZonedDateTimeISO(timeZone).toString({
    timeZoneName: "never",
    fractionalSecondDigits: instant.epochMilliseconds % 1000 === 0 ? 0 : 3,
  });
  return text.endsWith("+00:00") ? `${text.slice(0, -6)}Z` : text;
}

function compareActions(a: SimAction, b: SimAction): number {
  return a.createdEpochSeconds - b.createdEpochSeconds || a.id - b.id;
}

function compareIds(a: SimAction, b: SimAction): number {
  return a.id - b.id;
}

/**
 * `rows` with `added` inserted in order: appended in place when they all
 * come after the last row (one node, arrivals now), else merged in one pass
 * (late rows, ids from several nodes' blocks).
 */
function insertSorted(
  rows: SimAction[],
  added: readonly SimAction[],
  compare: (a: SimAction, b: SimAction) => number,
): SimAction[] {
  const sorted = [...added].sort(compare);
  const last = rows[rows.length - 1];
  if (!last || sorted.length === 0 || compare(last, sorted[0]!) < 0) {
    for (const action of sorted) rows.push(action);
    return rows;
  }
  const merged = new Array<SimAction>(rows.length + sorted.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < merged.length; k++) {
    merged[k] = j >= sorted.length ||
        (i < rows.length && compare(rows[i]!, sorted[j]!) <= 0)
      ? rows[i++]!
      : sorted[j++]!;
  }
  return merged;
}

/** Sorted, append-friendly storage of actions. */
export class ActionStore {
  #actions: SimAction[] = [];
  #idOrder: SimAction[] = [];
  #byId = new Map<number, SimAction>();
  #cache = new Map<string, readonly SimAction[]>();
  #timeZone: string;
  // Many actions share a second: one Instant and one text per second.
  #instants = new Map<number, Temporal.Instant>();
  #texts = new Map<number, string>();

  /** Creates an empty store writing dates in `timeZone`. */
  constructor(timeZone: string) {
    this.#timeZone = timeZone;
  }

  /** Every action, ordered by `(created, id)`. */
  get all(): readonly SimAction[] {
    return this.#actions;
  }

  /** Every action, ordered by id. */
  get allById(): readonly SimAction[] {
    return this.#idOrder;
  }

  /** The action with this id, if any. */
  byId(id: number): SimAction | undefined {
    return this.#byId.get(id);
  }

  /**
   * The actions matching every filter of the query, in its order. The
   * answer is shared with later calls until the next `add`: do not change it.
   */
  query(query: ActionQuery): readonly SimAction[] {
    const { type, mediapackageId, fromMs, toMs, order } = query;
    const key = JSON.stringify([type, mediapackageId, fromMs, toMs, order]);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    let rows: readonly SimAction[];
    if (fromMs === undefined && toMs === undefined) {
      rows = order === "id" ? this.#idOrder : this.#actions;
    } else {
      const [from, to] = this.window(
        fromMs === undefined ? undefined : Math.ceil(fromMs / 1000),
        toMs === undefined ? undefined : Math.floor(toMs / 1000),
      );
      rows = this.#actions.slice(from, to);
      if (order === "id") rows = [...rows].sort((a, b) => a.id - b.id);
    }
    if (type !== undefined || mediapackageId !== undefined) {
      rows = rows.filter((action) =>
        (type === undefined || action.type === type) &&
        (mediapackageId === undefined ||
          action.mediapackageId === mediapackageId)
      );
    }
    if (this.#cache.size >= CACHED_QUERIES) {
      this.#cache.delete(this.#cache.keys().next().value!);
    }
    this.#cache.set(key, rows);
    return rows;
  }

  /** Turns drafts into actions, inserts them in order and returns them. */
  add(drafts: readonly ActionDraft[]): SimAction[] {
    const added = drafts.map((draft) => this.#materialize(draft));
    this.#cache.clear();
    for (const action of added) this.#byId.set(action.id, action);
    this.#idOrder = insertSorted(this.#idOrder, added, compareIds);
    this.#actions = insertSorted(this.#actions, added, compareActions);
    return added;
  }

  /** Deletes the actions with these ids; returns how many there were. */
  remove(ids: Iterable<number>): number {
    const gone = new Set<number>();
    for (const id of ids) if (this.#byId.delete(id)) gone.add(id);
    if (gone.size === 0) return 0;
    this.#cache.clear();
    this.#idOrder = this.#idOrder.filter((action) => !gone.has(action.id));
    this.#actions = this.#actions.filter((action) => !gone.has(action.id));
    return gone.size;
  }

  /** The index range `[from, to)` of actions with `start <= created <= end`. */
  window(startSeconds?: number, endSeconds?: number): [number, number] {
    const from = startSeconds === undefined
      ? 0
      : this.#firstAtOrAfter(startSeconds);
    const to = endSeconds === undefined
      ? this.#actions.length
      : this.#firstAtOrAfter(endSeconds + 1);
    return [from, Math.max(from, to)];
  }

  /** The actions at indexes `[from, to)`. */
  slice(from: number, to: number): readonly SimAction[] {
    return this.#actions.slice(from, to);
  }

  #firstAtOrAfter(seconds: number): number {
    let low = 0;
    let high = this.#actions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#actions[middle]!.createdEpochSeconds < seconds) {
        low = middle + 1;
      } else high = middle;
    }
    return low;
  }

  #materialize(draft: ActionDraft): SimAction {
    const seconds = draft.createdEpochSeconds;
    let created = this.#instants.get(seconds);
    let text = this.#texts.get(seconds);
    if (!created || text === undefined) {
      created = Temporal.Instant.fromEpochMilliseconds(seconds * 1000);
      text = formatServerDateTime(created, this.#timeZone);
      this.#instants.set(seconds, created);
      this.#texts.set(seconds, text);
    }
    return { ...draft, created, createdText: text };
  }
}
