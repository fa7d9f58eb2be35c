/** Options for {@linkcode oneLine}. */
export interface OneLineOptions {
  /**
   * The longest result: a longer line is cut to end with `...` at this
   * length. @default {Infinity}
   */
  readonly maxLength?: number;
}

/**
 * A server's or the OS's message as one line for an error or a log line:
 * every run of whitespace (newlines included) becomes one space, and the
 * ends are trimmed.
 *
 * @example Usage
 * ```ts ignore
 * oneLine("Bad request:\n  missing field\n"); // "Bad request: missing field"
 * oneLine("x".repeat(400), { maxLength: 300 }).length; // 300
 * ```
 *
 * @param text The message.
 * @param options How long the line may be.
 * @returns The message on one line.
 */
export function oneLine(text: string, options: OneLineOptions = {}): string {
  const { maxLength = Infinity } = options;
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > maxLength
    ? `${line.slice(0, Math.max(0, maxLength - 3))}...`
    : line;
}
