/**
 * Parsers for option values, used by commander's `argParser`. They run for
 * flags and for environment variables alike, so a bad `.env` value is reported
 * the same way as a bad flag: one line, exit code 2.
 *
 * @module
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";

/** Bounds for {@linkcode integerParser}. */
export interface IntegerBounds {
  /** @default 0 */
  readonly min?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/** Returns a parser accepting whole numbers within the bounds. */
export function integerParser(
  bounds: IntegerBounds = {},
): (value: string) => number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = bounds;
  return (value) => {
    const text = value.trim();
    const number = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max}`,
      );
    }
    return number;
  };
}

/** Returns a parser accepting non-negative numbers (fractions allowed) up to a maximum. */
export function secondsParser(max = 86_400): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const number = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(number) || number > max) {
      throw new InvalidArgumentError(
        `expected a number of seconds from 0 to ${max}`,
      );
    }
    return number;
  };
}

/**
 * Returns a parser for a timeout: seconds (fractions allowed) more than 0 and
 * up to a maximum. A timeout of 0 would fail every request at once.
 */
export function timeoutParser(max = 600): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const number = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!(Number.isFinite(number) && number > 0 && number <= max)) {
      throw new InvalidArgumentError(
        `expected a number of seconds more than 0 and up to ${max}`,
      );
    }
    return number;
  };
}

/** Parses a boolean setting such as `S3_FORCE_PATH_STYLE=true`. */
export function booleanParser(value: string): boolean {
  const text = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(text)) return true;
  if (["0", "false", "no", "off", ""].includes(text)) return false;
  throw new InvalidArgumentError("expected true or false");
}

/** Returns a parser for repeatable options that collects every value. */
export function collect(
  value: string,
  previous: string[] | undefined,
): string[] {
  return [...(previous ?? []), value];
}
