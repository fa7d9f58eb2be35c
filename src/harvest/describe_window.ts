import { wallClock } from "./wall_clock.ts";

/** A zone that is UTC under another name: its wall-clock times are the UTC ones. */
const UTC_ZONE_REGEXP =
  /^(?:Etc\/)?(?:UTC|UCT|GMT|Universal|Zulu|Greenwich)$|^[+-]00:00$/;

/**
 * Describes a harvest window once, for the run's first log line: wall-clock
 * times in the Opencast server's zone (how `--start`, `--end` and the
 * original's checkpoint read), then the same instants in UTC; only the UTC
 * instants when the zone is UTC.
 *
 * @example
 * ```ts ignore
 * describeWindow(start, end, "America/New_York");
 * // "2024-03-01 10:00:00 to 2024-03-01 10:05:00 America/New_York (2024-03-01T15:00:00Z to 2024-03-01T15:05:00Z)"
 * describeWindow(start, end, "UTC");
 * // "2024-03-01T15:00:00Z to 2024-03-01T15:05:00Z"
 * ```
 *
 * @param start The window's start.
 * @param end The window's end.
 * @param zone The server's time zone id (see `parseTimeZone()`).
 * @returns One line of text, each instant to the second.
 */
export function describeWindow(
  start: Temporal.Instant,
  end: Temporal.Instant,
  zone: string,
): string {
  const utc = `${utcSeconds(start)} to ${utcSeconds(end)}`;
  if (UTC_ZONE_REGEXP.test(zone)) return utc;
  return `${wallClock(start, zone)} to ${
    wallClock(end, zone)
  } ${zone} (${utc})`;
}

function utcSeconds(instant: Temporal.Instant): string {
  return instant.toString({ smallestUnit: "second" });
}
