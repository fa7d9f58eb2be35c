import { echoValue } from "../util/echo_value.ts";

/**
 * A value from an Opencast answer as an error message quotes it: a scalar
 * as JSON, cut to a readable length; an object or a list only by its kind,
 * since it may be large or hold anything.
 */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object" && value !== null) return "an object";
  return echoValue(JSON.stringify(value) ?? String(value));
}
