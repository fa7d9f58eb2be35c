const HTTP_DATE_REGEXP = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i;

/**
 * Reads a `Retry-After` header value (RFC 9110 §10.2.3): either a number of
 * seconds or an HTTP date. Returns the wait in milliseconds from `now`, never
 * negative; `null` when the value is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number,
): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // All three HTTP date forms start with a weekday; Date.parse alone would
  // also accept odd text like "soon 1.5".
  if (!HTTP_DATE_REGEXP.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
