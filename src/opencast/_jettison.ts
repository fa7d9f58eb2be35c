/**
 * Readers for Jettison's "mapped" JSON, where the same field can arrive in
 * several shapes (opencast-api.md §2): a list of one is a bare value, an empty
 * list is a missing key, an empty element is `""`, attribute counters are
 * strings up to OC 7 and numbers after, and numeric-looking text (series ids,
 * user ids) becomes a number.
 *
 * @module
 */

/** A JSON object, once checked. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a repeated element as a list: an array stays as it is, a missing key,
 * `null` or the empty element `""` is an empty list, and anything else is a
 * list of one.
 */
export function asList(value: unknown): readonly unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Reads a number that may arrive as a JSON number or as its text (`"57"`);
 * `undefined` when absent, empty or not a number.
 */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === "string" && value.trim() !== "") {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}

/**
 * Reads text that Jettison may have turned into a number or boolean (ids,
 * titles like `1984`), or wrapped as `{"$": text}` when the element also had
 * attributes; `undefined` when absent or the empty element `""`.
 */
export function asString(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value === "" ? undefined : value;
    case "number":
      // String() keeps integers up to 1e21 free of exponents, so a series
      // coerced to 20160112345 reads back as "20160112345".
      return Number.isFinite(value) ? String(value) : undefined;
    case "boolean":
      return String(value);
    default:
      return isObject(value) ? asString(value["$"]) : undefined;
  }
}

/** Reads a child object; `undefined` for anything else (`""` included). */
export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}
