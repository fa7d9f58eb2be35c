/**
 * Whether the server's `created` offsets agree with the configured zone.
 *
 * @module
 */

const OFFSET_REGEXP = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Compares the offset an action's `created` carries (the server writes it in
 * its own zone, opencast-api.md R10) with the offset of `zone` at that
 * instant.
 *
 * @example Usage
 * ```ts
 * createdOffsetMismatch("2016-10-21T14:03:27-04:00", "Europe/Berlin"); // "-04:00"
 * createdOffsetMismatch("2016-10-21T14:03:27-04:00", "America/New_York"); // null
 * ```
 *
 * @param created The action's `created`, ISO 8601 with an offset.
 * @param zone The configured server time zone id.
 * @returns The server's offset (`-04:00`, `+00:00`) when it differs, else `null`
 *   (also when `created` is unreadable: that is reported elsewhere).
 */
export function createdOffsetMismatch(
  created: string,
  zone: string,
): string | null {
  const match = OFFSET_REGEXP.exec(created.trim());
  if (match === null) return null;
  let instant: Temporal.Instant;
  try {
    instant = Temporal.Instant.from(created.trim());
  } catch {
    return null;
  }
  const raw = match[1];
  const offset = raw === "Z"
    ? "+00:00"
    : raw.includes(":")
    ? raw
    : `${raw.slice(0, 3)}:${raw.slice(3)}`;
  const expected = instant.toZonedDateTimeISO(zone).offset;
  return expected === offset ? null : offset;
}
