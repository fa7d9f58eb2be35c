/**
 * A monitoring-plugin threshold range (the Nagios/Icinga plugin
 * guidelines): `10` alerts outside 0..10, `10:` below 10, `~:10` above 10,
 * `10:20` outside 10..20, and `@10:20` inside 10..20.
 */
export interface Threshold {
  /** The text as given, for performance data. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** `@`: alert inside the range instead of outside. */
  readonly inside: boolean;
}

/**
 * Parses a threshold range; `null` when the text is not one.
 *
 * @example
 * ```ts
 * parseThreshold("900"); // { text: "900", start: 0, end: 900, inside: false }
 * ```
 */
export function parseThreshold(text: string): Threshold | null {
  const match = /^(@)?(?:(~|[+-]?\d+(?:\.\d+)?)?:)?([+-]?\d+(?:\.\d+)?)?$/
    .exec(text.trim());
  if (match === null || text.trim() === "" || text.trim() === "@") return null;
  const [, at, rawStart, rawEnd] = match;
  const hasColon = text.includes(":");
  if (!hasColon && rawEnd === undefined) return null;
  const start = rawStart === undefined
    ? 0
    : rawStart === "~"
    ? -Infinity
    : Number(rawStart);
  const end = rawEnd === undefined ? Infinity : Number(rawEnd);
  if (start > end) return null;
  return { text: text.trim(), start, end, inside: at !== undefined };
}

/** Whether a value trips the threshold. */
export function exceeds(threshold: Threshold, value: number): boolean {
  const within = value >= threshold.start && value <= threshold.end;
  return threshold.inside ? within : !within;
}
