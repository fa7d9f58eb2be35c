/**
 * Where a cron run stops short of a server midnight it cannot finish yet.
 *
 * @module
 */
import { planServerDays } from "./plan_server_days.ts";

/**
 * For a run whose window ends now, on upstream Opencast: when `end` falls in
 * a midnight edge that no `day` query surely covers, or less than
 * `settleSeconds` after it, the actions there can only be found by id, and
 * the ids above them (the walk's upper bound) do not exist yet. Such a run
 * ends its window at the edge's start instead (`D 23:59:00` as the server
 * reads it), and the next run, a few minutes later, fills the whole edge.
 *
 * @example Usage
 * ```ts
 * edgeHold(Temporal.Instant.from("2026-12-05T05:00:30Z"), "America/New_York"); // 2026-12-05T04:59:00Z
 * ```
 *
 * @param end The window end (now).
 * @param zone The server's time zone id.
 * @param settleSeconds How long after the edge the run still holds. @default 60
 * @returns The instant to end the window at, or `null` to keep `end`.
 */
export function edgeHold(
  end: Temporal.Instant,
  zone: string,
  settleSeconds = 60,
): Temporal.Instant | null {
  const lookBack = end.subtract({ seconds: settleSeconds + 180 });
  for (const edge of planServerDays(lookBack, end, zone).edges) {
    const day = (text: string) =>
      Temporal.PlainDate.from(
        `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`,
      );
    const wall = (text: string, hour: number, minute: number) =>
      day(text).toPlainDateTime({ hour, minute }).toZonedDateTime(zone, {
        disambiguation: "later",
      }).toInstant();
    const edgeStart = wall(edge.dayBefore, 23, 59);
    const edgeEnd = wall(edge.dayAfter, 0, 1);
    if (
      Temporal.Instant.compare(end, edgeStart) > 0 &&
      Temporal.Instant.compare(end, edgeEnd.add({ seconds: settleSeconds })) < 0
    ) {
      return edgeStart;
    }
  }
  return null;
}
