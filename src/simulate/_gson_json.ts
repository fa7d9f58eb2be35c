/**
 * JSON text as Opencast 16's search writes its `mediapackage` objects: the
 * Jettison output parsed back by Gson into a `Map`, so every number is a
 * `Double` and prints the way Java's `Double.toString` does (`5318000.0`,
 * `2.0160112345E10`). `JSON.stringify` cannot write that, hence this writer
 * (opencast-api.md §4.2).
 *
 * @module
 */

/** Java's `Double.toString` for a finite number. */
export function javaDouble(value: number): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Cannot write ${value} as JSON`);
  }
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  // Plain notation only in [1e-3, 1e7), always with a fractional digit.
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(value);
    return plain.includes(".") ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split("e") as [
    string,
    string,
  ];
  const digits = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${digits}E${exponent.replace("+", "")}`;
}

/**
 * Writes a JSON value with every number as a Java double; `undefined`
 * members are left out, as `JSON.stringify` does.
 */
export function toGsonJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
      return javaDouble(value);
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        return `[${value.map((item) => toGsonJson(item ?? null)).join(",")}]`;
      }
      const members = Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .map(([key, member]) => `${JSON.stringify(key)}:${toGsonJson(member)}`);
      return `{${members.join(",")}}`;
    }
    default:
      throw new TypeError(`Cannot write a ${typeof value} as JSON`);
  }
}
