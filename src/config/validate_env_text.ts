import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";

const ASSIGNMENT_REGEXP = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=(.*)$/;

/**
 * Checks that every line of a `.env` file is a comment, blank, or a
 * `KEY=value` assignment (quoted values may span lines). `parseEnv` skips
 * lines it cannot read; a typo there would silently drop a setting, so this
 * names the file and line instead.
 *
 * @throws {ConfigError} for the first malformed line
 */
export function validateEnvText(text: string, path: string): void {
  const lines = text.split(/\r?\n/);
  let openQuote: string | null = null;
  let openedAt = 0;
  for (const [index, line] of lines.entries()) {
    if (openQuote !== null) {
      if (closesQuote(line, openQuote)) openQuote = null;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const match = ASSIGNMENT_REGEXP.exec(line);
    if (!match) {
      throw new ConfigError(
        `Cannot read ${path} line ${index + 1}: expected KEY=value, got ${
          preview(trimmed) === null
            ? "a line that does not start with a setting name (not shown: it may be a password)"
            : `"${preview(trimmed)}" without "="`
        }`,
      );
    }
    const value = match[1]!.trimStart();
    const quote = value[0];
    if (
      (quote === '"' || quote === "'" || quote === "`") &&
      !closesQuote(value.slice(1), quote)
    ) {
      openQuote = quote;
      openedAt = index + 1;
    }
  }
  if (openQuote !== null) {
    throw new ConfigError(
      `Cannot read ${path} line ${openedAt}: the ${openQuote}-quoted value opened there is never closed`,
    );
  }
}

function closesQuote(text: string, quote: string): boolean {
  return text.includes(quote);
}

/**
 * What of a malformed line an error may show: only a setting name followed
 * by something else (`KEY: value` shows `KEY`). A line that does not start
 * with a name — or is nothing but one word — may be a pasted password, so
 * none of it is shown.
 */
function preview(line: string): string | null {
  const head = /^([A-Za-z_][A-Za-z0-9_.-]*)[:\s]/.exec(line)?.[1];
  return head === undefined ? null : echoValue(head, 40);
}
