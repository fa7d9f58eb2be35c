/**
 * Formats epoch milliseconds as the original's UTC ISO string:
 * `2016-10-21T17:30:00+00:00`, with six fractional digits only when the
 * milliseconds are not zero (`…:04.512000+00:00`), as Python's
 * `isoformat()` wrote them. Pure.
 */
export function formatUtcIso(epochMillis: number): string {
  const iso = new Date(epochMillis).toISOString();
  const millis = iso.slice(20, 23);
  const fraction = millis === "000" ? "" : `.${millis}000`;
  return `${iso.slice(0, 19)}${fraction}+00:00`;
}

/**
 * Converts an ISO 8601 date-time with an offset (or `Z`) to
 * {@linkcode formatUtcIso}'s form; `undefined` when it cannot be parsed. Pure.
 */
export function toUtcIso(text: string): string | undefined {
  const millis = Date.parse(text);
  return Number.isNaN(millis) ? undefined : formatUtcIso(millis);
}
