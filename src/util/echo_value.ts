/** How many characters of a value a message echoes before cutting it. */
export const ECHO_MAX_CHARS = 120;

/**
 * A value as error messages and logs echo it: control characters (line
 * breaks included) escaped so the message stays one line, and cut after
 * `max` characters with the full length named, so a 100 KB setting does not
 * become a 100 KB message.
 *
 * @example
 * ```ts
 * echoValue("a".repeat(500)); // "aaaa…aaa… (500 characters)"
 * echoValue("two\nlines"); // "two\\nlines"
 * ```
 */
export function echoValue(value: string, max = ECHO_MAX_CHARS): string {
  const chars = Array.from(value);
  const cut = chars.length > max ? chars.slice(0, max) : chars;
  const text = cut.join("").replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f]/g,
    (c) =>
      ({ "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c] ??
        `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return chars.length > max ? `${text}… (${chars.length} characters)` : text;
}
