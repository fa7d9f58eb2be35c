/**
 * The one format of every fatal error, whoever raised it: commander (a
 * mistyped flag), the settings (a bad `.env`) or the run (Opencast down).
 *
 * @module
 */
import { EXIT_CODE_MEANINGS, EXIT_CODES } from "../errors.ts";

/** Options for {@linkcode fatalLine}. */
export interface FatalLineOptions {
  /**
   * The command that failed, for the `--help` hint of a usage error.
   *
   * @default undefined (the hint names `ua-harvest --help`)
   */
  readonly command?: string;
}

/**
 * The last line a run prints: `ua-harvest: <message> (exit <code>: <meaning>)`.
 * One line whatever the message holds, so a cron log or a log search shows
 * the whole reason, and the same prefix whoever raised it.
 *
 * @example Usage
 * ```ts
 * fatalLine("No Opencast host: set MATTERHORN_ENGAGE_HOST (or --engage_host)", 2, { command: "harvest" });
 * // "ua-harvest: No Opencast host: set MATTERHORN_ENGAGE_HOST (or --engage_host) (exit 2: bad flags or settings, see ua-harvest harvest --help)"
 * ```
 *
 * @param message What failed and what to fix (sentence case, no final period).
 * @param exitCode The process's exit code.
 * @param options The command, for the usage hint.
 * @returns The line, without a newline.
 */
export function fatalLine(
  message: string,
  exitCode: number,
  options: FatalLineOptions = {},
): string {
  const text = message.replace(/\s*\n\s*/g, " ").trim().replace(/\.$/, "");
  let meaning = EXIT_CODE_MEANINGS[exitCode] ?? "failed";
  if (exitCode === EXIT_CODES.usage) {
    const help = options.command === undefined
      ? "ua-harvest --help"
      : `ua-harvest ${options.command} --help`;
    meaning += `, see ${help}`;
  }
  return `ua-harvest: ${text} (exit ${exitCode}: ${meaning})`;
}

/**
 * Commander's error text as a message in the tool's voice: without its
 * `error:` prefix, its "(Did you mean …?)" on the same line, and in sentence
 * case: `error: unknown option '--engage-hos'\n(Did you mean
 * --engage_host?)` → `Unknown option '--engage-hos'; did you mean
 * --engage_host?`.
 *
 * @param text What commander would print.
 * @returns The message for {@linkcode fatalLine}.
 */
export function usageErrorMessage(text: string): string {
  const message = text.trim()
    .replace(/^error:\s*/i, "")
    .replace(
      /\s*\n?\s*\(Did you mean ([^)]*)\)\s*$/,
      (_, hint: string) => `; did you mean ${hint}`,
    )
    // `argument 'x' is invalid. expected …`, `too many arguments for 'x'.
    // Expected …`: one sentence, a colon before the rule.
    .replace(/\.\s+(\w)/g, (_, next: string) => `: ${next.toLowerCase()}`)
    .replace(/\s*\n\s*/g, " ")
    .replace(/\.$/, "");
  return message.charAt(0).toUpperCase() + message.slice(1);
}
