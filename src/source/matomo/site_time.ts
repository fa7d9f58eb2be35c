/**
 * Matomo's action times back to instants. An action's `timestamp` in
 * `Live.getLastVisitsDetails` is not UTC (Matomo issue #22720): it is the
 * epoch of the action's wall-clock time in the site's zone read as if that
 * wall time were UTC. The visit's `firstActionTimestamp` and
 * `lastActionTimestamp` are true UTC. So each action's wall time is read
 * back in the site's zone, daylight saving included.
 *
 * A wall time in the repeated hour of a fall-back happened twice. Which
 * occurrence an action is, is told by the visit ({@linkcode visitActionInstants}):
 *
 * - the visit's actions are in time order, and the visit lies within its
 *   true-UTC first and last action times;
 * - so each action takes the earliest occurrence that is not before the
 *   action before it (the first action: not before the visit's first
 *   action time) and not after the visit's last action time; if none
 *   fits, the earliest not before; if none, the latest.
 *
 * This is exact whenever consecutive actions lie less apart than the
 * overlap is long: Matomo ends a visit after 30 minutes without an action,
 * and a fall-back overlap lasts 30 minutes (Lord Howe) or more. Crossing the
 * change, the wall clock goes back, so the later occurrence is the only one
 * not before the previous action; inside one occurrence, the earlier one
 * is (the later lies an overlap ahead, past the next actions). A wall time
 * in a spring-forward gap never comes from a real instant; should one
 * appear, it is read as Temporal's `compatible` does (moved forward).
 *
 * @module
 */
import { ApiContractError } from "../../errors.ts";
import { echoValue } from "../../util/echo_value.ts";

const MATOMO_OFFSET_REGEXP = /^UTC([+-])(\d{1,2})(?:\.(\d+))?$/;

/**
 * The Temporal zone of a Matomo site's `timezone`: an IANA name as is,
 * `UTC`, or Matomo's manual offsets `UTC+5.5`, `UTC-3` as `+05:30`, `-03:00`.
 *
 * @throws {ApiContractError} When it is neither.
 */
export function siteTimeZone(timezone: string): string {
  const match = MATOMO_OFFSET_REGEXP.exec(timezone);
  let zone = timezone;
  if (match) {
    const [, sign, hours, fraction = "0"] = match;
    const minutes = Math.round(Number(`0.${fraction}`) * 60);
    zone = `${sign}${hours!.padStart(2, "0")}:${
      String(minutes).padStart(2, "0")
    }`;
  }
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
    return zone;
  } catch {
    throw new ApiContractError(
      `Matomo's site has a time zone the tool cannot read: ${
        echoValue(JSON.stringify(timezone))
      }`,
    );
  }
}

/** A stretch of time in which a zone keeps one offset (epoch seconds). */
interface OffsetSpan {
  readonly zone: string;
  readonly start: number;
  readonly end: number;
  readonly offsetSeconds: number;
}

/**
 * A wall time this far from a span's ends has no other reading: no zone's
 * offset changes by two days.
 */
const SPAN_MARGIN_SECONDS = 2 * 86_400;

// The span the last conversion fell in: most timestamps of a harvest lie in
// one, and then a conversion is a subtraction, not a zone lookup.
let lastSpan: OffsetSpan | undefined;

function spanAt(instant: Temporal.Instant, zone: string): OffsetSpan {
  const zoned = instant.toZonedDateTimeISO(zone);
  const previous = zoned.getTimeZoneTransition("previous");
  const next = zoned.getTimeZoneTransition("next");
  return {
    zone,
    start: previous ? previous.epochMilliseconds / 1000 : -Infinity,
    end: next ? next.epochMilliseconds / 1000 : Infinity,
    offsetSeconds: zoned.offsetNanoseconds / 1e9,
  };
}

/** The instants whose wall time in `timeZone` is `timestamp` (read as UTC). */
function occurrencesOf(
  timestamp: number,
  timeZone: string,
): Temporal.Instant[] {
  const span = lastSpan;
  if (span?.zone === timeZone) {
    const seconds = timestamp - span.offsetSeconds;
    if (
      seconds - span.start >= SPAN_MARGIN_SECONDS &&
      span.end - seconds >= SPAN_MARGIN_SECONDS
    ) {
      return [Temporal.Instant.fromEpochMilliseconds(seconds * 1000)];
    }
  }
  const found = occurrences(wallTime(timestamp), timeZone);
  lastSpan = spanAt(found[0]!, timeZone);
  return found;
}

/** The instants whose wall time in `timeZone` is `wall`: one, two (an overlap), or the `compatible` one (a gap). */
function occurrences(
  wall: Temporal.PlainDateTime,
  timeZone: string,
): Temporal.Instant[] {
  const earlier = wall.toZonedDateTime(timeZone, { disambiguation: "earlier" });
  const later = wall.toZonedDateTime(timeZone, { disambiguation: "later" });
  if (earlier.epochNanoseconds === later.epochNanoseconds) {
    return [earlier.toInstant()];
  }
  // A gap: neither keeps the wall time; `later` is what `compatible` gives.
  if (!Temporal.PlainDateTime.compare(earlier.toPlainDateTime(), wall)) {
    return [earlier.toInstant(), later.toInstant()];
  }
  return [later.toInstant()];
}

/** The wall time Matomo's `timestamp` stands for. */
function wallTime(timestamp: number): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(timestamp * 1000)
    .toZonedDateTimeISO("UTC").toPlainDateTime();
}

/**
 * One action's instant from its wall-clock `timestamp`, with no visit to
 * tell a repeated hour's occurrences apart (the earlier is taken).
 */
export function siteTimestampToInstant(
  timestamp: number,
  timeZone: string,
): Temporal.Instant {
  return occurrencesOf(timestamp, timeZone)[0]!;
}

/** What {@linkcode visitActionInstants} reads of a visit. */
export interface VisitTimes {
  /** True UTC epoch seconds of the visit's first action; `undefined` when unknown. */
  readonly firstActionTimestamp?: number;
  /** True UTC epoch seconds of its last action or heartbeat; `undefined` when unknown. */
  readonly lastActionTimestamp?: number;
  /** The actions' wall-clock `timestamp`s, in the visit's order. */
  readonly timestamps: readonly number[];
}

/**
 * The instants of a visit's actions, a repeated hour's occurrences told
 * apart by the visit's first and last action times and the action order
 * (see the module documentation for the rule and why it is exact).
 *
 * @example Usage
 * ```ts ignore
 * // Berlin, 2024-10-27: 02:50 CEST, then 02:10 CET (the wall clock went back).
 * visitActionInstants({
 *   firstActionTimestamp: 1729990200, // 00:50Z
 *   lastActionTimestamp: 1729991400, // 01:10Z
 *   timestamps: [1729997400, 1729995000], // 02:50 and 02:10 read as UTC
 * }, "Europe/Berlin"); // [00:50Z, 01:10Z]
 * ```
 */
export function visitActionInstants(
  visit: VisitTimes,
  timeZone: string,
): Temporal.Instant[] {
  const nanoseconds = (seconds: number | undefined) =>
    seconds === undefined ? undefined : BigInt(seconds) * 1_000_000_000n;
  const last = nanoseconds(visit.lastActionTimestamp);
  let lower = nanoseconds(visit.firstActionTimestamp);
  const instants: Temporal.Instant[] = [];
  // Most visits repeat their wall second; the zone lookup is done once per second.
  let lastTimestamp: number | undefined;
  let lastCandidates: Temporal.Instant[] = [];
  for (const timestamp of visit.timestamps) {
    if (timestamp !== lastTimestamp) {
      lastCandidates = occurrencesOf(timestamp, timeZone);
      lastTimestamp = timestamp;
    }
    const chosen = choose(lastCandidates, lower, last);
    instants.push(chosen);
    lower = chosen.epochNanoseconds;
  }
  return instants;
}

function choose(
  candidates: readonly Temporal.Instant[],
  lower: bigint | undefined,
  upper: bigint | undefined,
): Temporal.Instant {
  if (candidates.length === 1) return candidates[0]!;
  const notBefore = candidates.filter((c) =>
    lower === undefined || c.epochNanoseconds >= lower
  );
  const inside = notBefore.find((c) =>
    upper === undefined || c.epochNanoseconds <= upper
  );
  return inside ?? notBefore[0] ?? candidates[candidates.length - 1]!;
}
