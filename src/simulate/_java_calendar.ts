/**
 * Wall-clock times read the way Opencast's JVM reads them: a lenient
 * `java.util.GregorianCalendar` in the server's default zone
 * (opencast-api.md §3.1). Out-of-range months and days roll over into the
 * next month or year; a wall time inside a spring-forward gap moves forward
 * (02:30 → 03:30 daylight time); a wall time that occurs twice at fall-back
 * means the second occurrence (standard time). Temporal's
 * `disambiguation: "later"` gives exactly those two answers.
 *
 * @module
 */

/** Calendar fields as `GregorianCalendar.set` takes them, but with a 1-based month. */
export interface JavaCalendarFields {
  /** Year. */
  readonly year: number;
  /** Month, 1-based; 0, 13 or -1 roll into the neighbouring years. */
  readonly month: number;
  /** Day of month; 0, 32 or -1 roll into the neighbouring months. */
  readonly day: number;
  /** Hour of day. */
  readonly hour: number;
  /** Minute. */
  readonly minute: number;
  /** Second. */
  readonly second: number;
  /** Millisecond. */
  readonly millisecond: number;
}

/** The instant a lenient Java calendar in `timeZone` gives for the fields. */
export function javaWallTime(
  fields: JavaCalendarFields,
  timeZone: string,
): Temporal.Instant {
  const monthIndex = fields.month - 1;
  const year = fields.year + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12 + 1;
  // Lenient: the day counts from the first of the (normalised) month.
  const date = Temporal.PlainDate.from({ year, month, day: 1 })
    .add({ days: fields.day - 1 });
  return date.toPlainDateTime()
    .add({
      hours: fields.hour,
      minutes: fields.minute,
      seconds: fields.second,
      milliseconds: fields.millisecond,
    })
    .toZonedDateTime(timeZone, { disambiguation: "later" })
    .toInstant();
}

/** Java's `Integer.parseInt`: an optional sign and decimal digits, in int range. */
function parseJavaInt(text: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(text)) return null;
  const value = Number(text);
  return value >= -2147483648 && value <= 2147483647 ? value : null;
}

/**
 * The year, month and day of a usertracking `day` parameter, read as
 * upstream does: characters 0–3, 4–5 and 6–7 through `Integer.parseInt`
 * (anything after the eighth character is ignored). `null` where the server
 * throws (a short value or a non-number), which it answers with a 500.
 */
export function parseDayParameter(
  raw: string,
): { year: number; month: number; day: number } | null {
  if (raw.length < 8) return null;
  const year = parseJavaInt(raw.slice(0, 4));
  const month = parseJavaInt(raw.slice(4, 6));
  const day = parseJavaInt(raw.slice(6, 8));
  if (year === null || month === null || day === null) return null;
  return { year, month, day };
}
