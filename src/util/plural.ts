/**
 * The noun that goes with a count, for messages and log lines: "1 page",
 * "3 pages", "0 pages". Only the noun, so a log template keeps the count
 * as a placeholder: `` `{pages} ${plural(pages, "page")}` ``.
 *
 * @example Usage
 * ```ts
 * plural(1, "page"); // "page"
 * plural(2, "page"); // "pages"
 * plural(2, "cache hit"); // "cache hits"
 * ```
 *
 * @param count How many.
 * @param singular The noun for one.
 * @param pluralForm The noun for any other count (default: `singular` + "s").
 * @returns `singular` when `count` is 1 (or -1), else `pluralForm`.
 */
export function plural(
  count: number,
  singular: string,
  pluralForm = `${singular}s`,
): string {
  return Math.abs(count) === 1 ? singular : pluralForm;
}
