import type { TextFormatter } from "@logtape/logtape";

/**
 * Wraps a formatter so that none of the given secrets (passwords, tokens)
 * can reach a log line, whatever a library or an error message put there.
 * Modules never log secrets on purpose; this is the safety net.
 */
export function redactingFormatter(
  formatter: TextFormatter,
  secrets: readonly string[],
): TextFormatter {
  // Very short values would redact ordinary words; they are not worth hiding.
  const hidden = [...new Set(secrets.filter((s) => s.length >= 4))];
  if (hidden.length === 0) return formatter;
  return (record) => {
    let text = formatter(record);
    for (const secret of hidden) text = text.replaceAll(secret, "***");
    return text;
  };
}
