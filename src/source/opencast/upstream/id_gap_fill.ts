/**
 * Which action ids to ask for one by one to fill a stretch of time no list
 * query surely returns (the edges of upstream `day` queries).
 *
 * @module
 */
import { UPSTREAM_ID_MARGIN_SECONDS } from "../../../config/defaults.ts";

/** Options for {@linkcode IdGapFill}. */
export interface IdGapFillOptions {
  /** The first instant of the stretch (inclusive). */
  readonly from: Temporal.Instant;
  /** The last instant of the stretch (inclusive). */
  readonly to: Temporal.Instant;
  /**
   * How far apart in `created` two actions may be and still get their ids in
   * the other order (late rows, ids allocated in blocks). An action created
   * more than this before another has the smaller id.
   *
   * @default {10}
   */
  readonly marginSeconds?: number;
  /**
   * Where no action bounds the stretch on one side, the walk that way stops
   * after this many consecutive ids that do not exist (HTTP 204).
   *
   * @default {100}
   */
  readonly absentRunLimit?: number;
}

/**
 * The id arithmetic of filling one stretch `[from, to]`: pure, with no I/O.
 *
 * Ids come from a sequence: mostly increasing, with gaps. The rule (exact as
 * long as ids follow `created` to within `marginSeconds`): every action of
 * the stretch has an id above `lo`, the greatest id known with `created`
 * before `from - margin`, and below `hi`, the smallest id known with `created`
 * after `to + margin`. So every id in `(lo, hi)` not already known is asked
 * for. Where `lo` is unknown, the walk goes down from the lowest id known
 * above it until it meets an action before `from - margin`; where `hi` is
 * unknown, up from `lo` until it meets one after `to + margin`; either walk
 * also stops after `absentRunLimit` consecutive missing ids (the end of the
 * sequence, or nothing beyond) or below id 1.
 *
 * Feed it every action seen ({@linkcode observe}), then ask for ids
 * ({@linkcode next}) and report what each was ({@linkcode record}) until
 * `next` returns none.
 */
export class IdGapFill {
  readonly #fromMs: number;
  readonly #toMs: number;
  readonly #lowMs: number;
  readonly #highMs: number;
  readonly #absentRunLimit: number;
  #lo: number | undefined;
  #hi: number | undefined;
  /** Ids known (seen or asked for) with `created` near the stretch, or missing. */
  readonly #known = new Set<number>();
  /** Ids asked for that do not exist. */
  readonly #absent = new Set<number>();
  /** The id last reported to {@linkcode record}. */
  #lastRecorded: number | undefined;
  /** The lowest known id near the stretch: where a downward walk starts. */
  #lowestNear: number | undefined;
  #phase: "down" | "up" | "done" | undefined;
  #position = 0;
  #absentRun = 0;
  #probes = 0;

  /** A fill of `[from, to]`, knowing nothing yet. */
  constructor(options: IdGapFillOptions) {
    const {
      marginSeconds = UPSTREAM_ID_MARGIN_SECONDS,
      absentRunLimit = 100,
    } = options;
    this.#fromMs = options.from.epochMilliseconds;
    this.#toMs = options.to.epochMilliseconds;
    this.#lowMs = this.#fromMs - marginSeconds * 1000;
    this.#highMs = this.#toMs + marginSeconds * 1000;
    this.#absentRunLimit = absentRunLimit;
  }

  /** How many ids were handed out by {@linkcode next}. */
  get probes(): number {
    return this.#probes;
  }

  /** Whether nothing at all is known yet to start a walk from. */
  get needsAnchor(): boolean {
    return this.#lo === undefined && this.#hi === undefined &&
      this.#lowestNear === undefined;
  }

  /** Whether `[from, to]` holds an action created at `createdMs`. */
  covers(createdMs: number): boolean {
    return createdMs >= this.#fromMs && createdMs <= this.#toMs;
  }

  /** Takes note of an action seen in a list answer (before the walk starts). */
  observe(id: number, createdMs: number): void {
    if (createdMs < this.#lowMs) {
      if (this.#lo === undefined || id > this.#lo) this.#lo = id;
    } else if (createdMs > this.#highMs) {
      if (this.#hi === undefined || id < this.#hi) this.#hi = id;
    } else {
      this.#known.add(id);
      if (this.#lowestNear === undefined || id < this.#lowestNear) {
        this.#lowestNear = id;
      }
    }
  }

  /**
   * Up to `count` ids to ask for next, in walking order; none when the fill
   * is complete. Report each with {@linkcode record}, in that order, before
   * calling again.
   */
  next(count: number): number[] {
    if (this.#phase === undefined) this.#begin();
    const ids: number[] = [];
    let position = this.#position;
    while (ids.length < count && this.#phase !== "done") {
      if (this.#phase === "down") {
        if (position < 1) break;
        if (!this.#known.has(position)) ids.push(position);
        position--;
      } else {
        if (this.#hi !== undefined && position >= this.#hi) break;
        if (!this.#known.has(position)) ids.push(position);
        position++;
      }
    }
    if (ids.length === 0) {
      if (this.#phase === "down") {
        this.#startUp(position);
        return this.next(count);
      }
      this.#phase = "done";
      return [];
    }
    this.#position = position;
    this.#probes += ids.length;
    return ids;
  }

  /**
   * Reports what an id handed out by {@linkcode next} turned out to be: an
   * action's `created` in epoch milliseconds, or `null` when there is none.
   */
  record(id: number, createdMs: number | null): void {
    const previous = this.#lastRecorded;
    this.#lastRecorded = id;
    this.#known.add(id);
    if (createdMs === null) this.#absent.add(id);
    if (this.#phase === "done") return;
    // An action already known between the last id asked for and this one
    // interrupts a run of missing ids.
    if (previous !== undefined && this.#actionBetween(previous, id)) {
      this.#absentRun = 0;
    }
    if (createdMs === null) {
      this.#absentRun++;
      const unbounded = this.#phase === "down" || this.#hi === undefined;
      if (unbounded && this.#absentRun >= this.#absentRunLimit) {
        if (this.#phase === "down") this.#startUp(id);
        else this.#phase = "done";
      }
      return;
    }
    this.#absentRun = 0;
    if (this.#phase === "down" && createdMs < this.#lowMs) {
      this.#startUp(id);
    } else if (this.#phase === "up" && createdMs > this.#highMs) {
      if (this.#hi === undefined || id < this.#hi) this.#hi = id;
      this.#phase = "done";
    } else if (createdMs > this.#highMs) {
      if (this.#hi === undefined || id < this.#hi) this.#hi = id;
    }
  }

  #actionBetween(a: number, b: number): boolean {
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    if (high - low > 1000) return true;
    for (let id = low + 1; id < high; id++) {
      if (this.#known.has(id) && !this.#absent.has(id)) return true;
    }
    return false;
  }

  /** Chooses the first walk once every list answer has been observed. */
  #begin(): void {
    if (this.#lo !== undefined) {
      this.#startUp(this.#lo);
      return;
    }
    const top = this.#lowestNear ?? this.#hi;
    if (top === undefined) {
      // Nothing known anywhere near: no anchor to walk from.
      this.#phase = "done";
      return;
    }
    this.#phase = "down";
    this.#position = top - 1;
    this.#absentRun = 0;
    this.#lastRecorded = undefined;
  }

  /** Starts (or restarts) the upward walk just above `lo`. */
  #startUp(lo: number): void {
    if (this.#lo === undefined || lo > this.#lo) this.#lo = lo;
    this.#phase = "up";
    this.#position = this.#lo + 1;
    this.#absentRun = 0;
    this.#lastRecorded = undefined;
  }
}
