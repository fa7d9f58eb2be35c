/**
 * Which action ids to ask for one by one to fill a stretch around a server
 * midnight that no `day` answer surely holds.
 *
 * @module
 */
import { UPSTREAM_ID_MARGIN_SECONDS } from "../../../config/defaults.ts";

/** A row read near the stretch: where the walk looks. */
export interface Anchor {
  readonly id: number;
  /** `created`, epoch ms. */
  readonly createdMs: number;
}

/** Options for {@linkcode EdgeWalk}. */
export interface EdgeWalkOptions {
  /** The first instant of the stretch (inclusive). */
  readonly from: Temporal.Instant;
  /** The last instant of the stretch (inclusive). */
  readonly to: Temporal.Instant;
  /** Whether an id is known already (read from a `day` answer). */
  readonly known: (id: number) => boolean;
  /**
   * Rows read with `created` near the stretch: the walk looks at the
   * unknown ids among and just around them.
   */
  readonly anchors: readonly Anchor[];
  /**
   * Where the region reaches down to at least (the lowest of the newest ids
   * known for the day before): a quiet node's block can hold ids far below
   * the rows written near the stretch. @default {the lowest anchor}
   */
  readonly low?: number;
  /**
   * Whether this run read an id (from a `day` answer): a known neighbour of
   * a gap that it read and that is no anchor was created far from the
   * stretch; one it did not read (an earlier run delivered it) is asked for
   * once, so the gap is read by where its neighbours really lie.
   * @default {every known id}
   */
  readonly readNow?: (id: number) => boolean;
  /** The highest id known at all: the walk goes on above it too. @default {none} */
  readonly top?: number;
  /**
   * How far apart in `created` two rows of one node's block may be and
   * still be stored in the other order (slow commits). @default {10}
   */
  readonly marginSeconds?: number;
  /**
   * A walk from a gap's end stops after this many missing ids in a row (a
   * block's unused rest, another table's block; a rolled-back insert leaves
   * a single one). @default {10}
   */
  readonly absentRunLimit?: number;
  /**
   * The same for a gap between rows written minutes around the stretch that
   * is too long to ask for whole: its walks go on through the unused rest of
   * a block and other tables' blocks of 50 ids (EclipseLink's preallocation),
   * since on a busy server rows of the stretch lie beyond them. @default {150}
   */
  readonly nearAbsentRunLimit?: number;
  /** The walk up past the highest known id stops after this many. @default {20} */
  readonly topAbsentRunLimit?: number;
  /**
   * A gap between rows created within five minutes of the stretch is asked
   * for whole up to this length: a minute of a server storing 70 actions a
   * second, other tables' blocks included. @default {5000}
   */
  readonly maxScan?: number;
}

/** How close to the stretch both neighbours of a gap must lie for it to be asked for whole. */
const NEAR_SECONDS = 300;

/** A run of unknown ids, walked from both ends (or from one). */
interface Gap {
  /** Next id up, and whether the up walk goes on. */
  up: number;
  upActive: boolean;
  /** Next id down, and whether the down walk goes on. */
  down: number;
  downActive: boolean;
  /** Every id is asked for: its neighbours lie on both sides of the stretch. */
  scan: boolean;
  /** Missing ids in a row that end a walk of it. */
  absentLimit: number;
  upAbsent: number;
  downAbsent: number;
  /**
   * Known neighbours whose `created` the walk has yet to learn (ids an
   * earlier run delivered, not read by this one): the gap waits for them.
   */
  unclassified?: Set<number>;
  /** The gap's first and last id, to classify it once its neighbours are known. */
  readonly first: number;
  readonly last: number;
}

/**
 * The id arithmetic of filling one stretch `[from, to]`: pure, no I/O.
 *
 * Nothing is assumed about ids following `created` across nodes. What it
 * relies on is how Opencast's EclipseLink hands ids out: each engage node
 * takes a block of the shared sequence and uses its ids one after the other,
 * so within a block ids follow `created` up to a slow commit (`margin`).
 * Every unknown id of the stretch then sits in a run of unknown ids (a gap)
 * between known ids. A gap whose neighbours were both created within five
 * minutes of the stretch is asked for whole (up to `maxScan` ids; a longer
 * one is walked, through runs of missing ids as long as three blocks). Any
 * other is walked up from its lower end (a
 * block going on into the stretch) and down from its upper end (a block that
 * started in it): up until a row created after `to + margin`, down until one
 * created before `from - margin`, either until a few missing ids in a row
 * (the rest of the block was never used, or the block was another table's).
 * So such a gap costs a few probes unless it holds rows of the stretch. The
 * gaps looked at are those among the anchors (rows read near the stretch)
 * and `low`, those just below and above them, and the ids above the highest
 * known one.
 *
 * Ask for ids ({@linkcode next}) and report what each was
 * ({@linkcode record}) until `next` returns none.
 */
export class EdgeWalk {
  readonly #fromMs: number;
  readonly #toMs: number;
  readonly #marginMs: number;
  readonly #known: (id: number) => boolean;
  readonly #gaps: Gap[] = [];
  readonly #pending = new Map<number, { gap: Gap; up: boolean }>();
  /** `created` (epoch ms) of the known ids around gaps, as far as known. */
  readonly #created: Map<number, number>;
  /** Known neighbours to ask for, and the gaps that wait for each. */
  readonly #neighbours = new Map<number, Gap[]>();
  readonly #askedNeighbours = new Set<number>();
  readonly #maxScan: number;
  readonly #absent: number;
  readonly #nearAbsent: number;
  #turn = 0;
  #probes = 0;

  /** A walk of `[from, to]` over the gaps around the anchors. */
  constructor(options: EdgeWalkOptions) {
    const { anchors, known } = options;
    const readNow = options.readNow ?? (() => true);
    this.#fromMs = options.from.epochMilliseconds;
    this.#toMs = options.to.epochMilliseconds;
    this.#marginMs = (options.marginSeconds ?? UPSTREAM_ID_MARGIN_SECONDS) *
      1000;
    this.#known = known;
    const absent = options.absentRunLimit ?? 10;
    const nearAbsent = options.nearAbsentRunLimit ?? 150;
    const topAbsent = options.topAbsentRunLimit ?? 20;
    const maxScan = options.maxScan ?? 5000;
    const created = new Map(
      anchors.filter((a) => Number.isFinite(a.createdMs)).map((
        a,
      ) => [a.id, a.createdMs]),
    );
    this.#created = created;
    this.#maxScan = maxScan;
    this.#absent = absent;
    this.#nearAbsent = nearAbsent;
    let lo = Infinity;
    let hi = -Infinity;
    for (const { id } of anchors) {
      lo = Math.min(lo, id);
      hi = Math.max(hi, id);
    }
    if (options.low !== undefined) {
      lo = Math.min(lo, options.low);
      hi = Math.max(hi, options.low);
    }
    if (lo <= hi) {
      // Below the region: a block that started in the stretch, going down.
      if (lo > 1 && !known(lo - 1)) {
        this.#gaps.push(gap(1, lo - 1, false, true, false, absent));
      }
      for (let id = lo; id <= hi; id++) {
        if (known(id)) continue;
        const first = id;
        while (id + 1 <= hi && !known(id + 1)) id++;
        const open = gap(first, id, true, true, false, absent);
        // A neighbour an earlier run delivered has no `created` here: the
        // gap waits until it is asked for (one probe), not walked as if
        // it lay far from the stretch.
        const unknown = [first - 1, id + 1].filter((n) =>
          !created.has(n) && known(n) && !readNow(n)
        );
        if (unknown.length > 0) {
          const waiting: Gap = { ...open, unclassified: new Set(unknown) };
          for (const n of unknown) {
            this.#neighbours.set(n, [
              ...this.#neighbours.get(n) ?? [],
              waiting,
            ]);
          }
          this.#gaps.push(waiting);
        } else {
          this.#classify(open);
          this.#gaps.push(open);
        }
      }
      // Above it: a block going on into the stretch, going up.
      if (!known(hi + 1)) {
        this.#gaps.push(gap(hi + 1, Infinity, true, false, false, absent));
      }
    }
    const top = options.top;
    if (top !== undefined && top > hi && !known(top + 1)) {
      this.#gaps.push(gap(top + 1, Infinity, true, false, false, topAbsent));
    }
  }

  /** How many ids were handed out by {@linkcode next}. */
  get probes(): number {
    return this.#probes;
  }

  /**
   * Up to `count` ids to ask for next (at most one per walk at a time); none
   * when the fill is complete. Report each with {@linkcode record} before
   * calling again.
   */
  next(count: number): number[] {
    const ids: number[] = [];
    // First the known neighbours whose `created` decides how a gap is read.
    for (const id of this.#neighbours.keys()) {
      if (ids.length >= count) return this.#handOut(ids);
      if (this.#askedNeighbours.has(id)) continue;
      this.#askedNeighbours.add(id);
      ids.push(id);
    }
    const active = this.#gaps.filter((gap) =>
      gap.unclassified === undefined && this.#live(gap)
    );
    if (active.length === 0) {
      return this.#handOut(ids);
    }
    // A gap asked for whole goes on whatever its ids turn out to be: it
    // fills the round, while a walk waits for each answer.
    for (const gap of active) {
      if (!gap.scan) continue;
      for (let id = this.#takeUp(gap); id !== undefined;) {
        this.#pending.set(id, { gap, up: true });
        ids.push(id);
        if (ids.length >= count) break;
        id = this.#takeUp(gap);
      }
      if (ids.length >= count) break;
    }
    for (let i = 0; i < active.length * 2 && ids.length < count; i++) {
      const gap = active[(this.#turn + (i >> 1)) % active.length]!;
      const up = i % 2 === 0;
      const id = up ? this.#takeUp(gap) : this.#takeDown(gap);
      if (id === undefined) continue;
      this.#pending.set(id, { gap, up });
      ids.push(id);
    }
    this.#turn = (this.#turn + 1) % Math.max(1, active.length);
    return this.#handOut(ids);
  }

  #handOut(ids: number[]): number[] {
    this.#probes += ids.length;
    return ids;
  }

  /** Reads a gap whose neighbours' `created` are known (or unknowable). */
  #classify(gap: Gap): void {
    const nearMs = NEAR_SECONDS * 1000;
    // Between rows written minutes around the stretch: ids handed out
    // then, so most likely rows of it (or blocks never used), maybe
    // behind missing ids on both sides.
    const near = (id: number) => {
      const ms = this.#created.get(id) ?? NaN;
      return ms >= this.#fromMs - nearMs && ms <= this.#toMs + nearMs;
    };
    const between = near(gap.first - 1) && near(gap.last + 1);
    gap.scan = between && gap.last - gap.first < this.#maxScan;
    gap.absentLimit = between ? this.#nearAbsent : this.#absent;
  }

  /**
   * Reports what an id handed out by {@linkcode next} turned out to be: an
   * action's `created` in epoch milliseconds, or `null` when there is none.
   */
  record(id: number, createdMs: number | null): void {
    const waiting = this.#neighbours.get(id);
    if (waiting !== undefined && this.#askedNeighbours.has(id)) {
      this.#neighbours.delete(id);
      if (createdMs !== null) this.#created.set(id, createdMs);
      for (const gap of waiting) {
        gap.unclassified!.delete(id);
        if (gap.unclassified!.size > 0) continue;
        // Classified: the gap is walked from now on like any other.
        this.#classify(gap);
        gap.unclassified = undefined;
      }
      return;
    }
    const walk = this.#pending.get(id);
    if (walk === undefined) return;
    this.#pending.delete(id);
    const { gap, up } = walk;
    if (gap.scan) return;
    if (createdMs === null) {
      if (up && ++gap.upAbsent >= gap.absentLimit) gap.upActive = false;
      if (!up && ++gap.downAbsent >= gap.absentLimit) gap.downActive = false;
      return;
    }
    if (up) {
      gap.upAbsent = 0;
      if (createdMs > this.#toMs + this.#marginMs) gap.upActive = false;
    } else {
      gap.downAbsent = 0;
      if (createdMs < this.#fromMs - this.#marginMs) gap.downActive = false;
    }
  }

  #live(gap: Gap): boolean {
    return (gap.upActive || gap.downActive) && gap.up <= gap.down;
  }

  #takeUp(gap: Gap): number | undefined {
    while (gap.upActive && gap.up <= gap.down) {
      const id = gap.up++;
      if (!this.#known(id) && !this.#pending.has(id)) return id;
    }
    return undefined;
  }

  #takeDown(gap: Gap): number | undefined {
    while (gap.downActive && gap.down >= gap.up && gap.down >= 1) {
      const id = gap.down--;
      if (!this.#known(id) && !this.#pending.has(id)) return id;
    }
    return undefined;
  }
}

function gap(
  first: number,
  last: number,
  up: boolean,
  down: boolean,
  scan: boolean,
  absentLimit: number,
): Gap {
  return {
    up: first,
    upActive: up,
    down: last,
    downActive: down,
    scan,
    absentLimit,
    upAbsent: 0,
    downAbsent: 0,
    first,
    last,
  };
}
