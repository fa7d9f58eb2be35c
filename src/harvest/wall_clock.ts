/**
 * An instant as the server's wall clock shows it, to the second:
 * `YYYY-MM-DD HH:mm:ss` in `zone` (how `--start`, `--end` and the original's
 * checkpoint read).
 *
 * @example Usage
 * ```ts ignore
 * wallClock(Temporal.Instant.from("2024-03-01T15:00:00Z"), "America/New_York");
 * // "2024-03-01 10:00:00"
 * ```
 */
export function wallClock(instant: Temporal.Instant, zone: string): string {
  return instant.toZonedDateTimeISO(zone).toPlainDateTime()
    .toString({ smallestUnit: "second" })
    .replace("T", " ");
}
