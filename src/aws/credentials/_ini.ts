/**
 * Parses the INI format of `~/.aws/config` and `~/.aws/credentials`:
 * `[section]` headers, `key = value` lines, `#` and `;` comments. The
 * indented lines of a nested block (`s3 =` followed by indented settings)
 * are skipped: no credential setting lives there. Pure.
 *
 * @example Usage
 * ```ts
 * parseIni("[default]\naws_access_key_id = AKID\n").default?.aws_access_key_id; // "AKID"
 * ```
 */
export function parseIni(
  text: string,
): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  let nested = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\uFEFF/, "");
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) {
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header) {
      const name = header[1]!.trim().replace(/\s+/g, " ");
      current = sections[name] ??= {};
      nested = false;
      continue;
    }
    if (current === undefined) continue;
    if (/^\s/.test(line) && nested) continue;
    const equals = trimmed.indexOf("=");
    if (equals < 0) continue;
    const key = trimmed.slice(0, equals).trim().toLowerCase();
    const value = trimmed.slice(equals + 1).replace(/\s[#;].*$/, "").trim();
    nested = value === "";
    if (!nested) current[key] = value;
  }
  return sections;
}

/**
 * The numbers (from 1) of the lines {@linkcode parseIni} cannot read and
 * skips: a `[` without its `]`, or a setting without `=`, outside a nested
 * block. The SDK skips them too; an operator whose credentials are not
 * found should hear of them. Pure.
 *
 * @example Usage
 * ```ts
 * iniProblems("[default\naws_access_key_id = AKID\n"); // [1]
 * ```
 */
export function iniProblems(text: string): number[] {
  const problems: number[] = [];
  let nested = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/^\uFEFF/, "");
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) {
      return;
    }
    if (/^\[[^\]]+\]/.test(trimmed)) {
      nested = false;
      return;
    }
    if (/^\s/.test(line) && nested) return;
    const equals = trimmed.indexOf("=");
    if (trimmed.startsWith("[") || equals <= 0) {
      problems.push(index + 1);
      return;
    }
    nested = trimmed.slice(equals + 1).replace(/\s[#;].*$/, "").trim() === "";
  });
  return problems;
}
