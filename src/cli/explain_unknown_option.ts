/** A command and the flags of its options, e.g. `{ short: "-E", long: "--engage_host" }`. */
export interface CommandFlags {
  readonly name: string;
  readonly options: readonly {
    readonly short?: string;
    readonly long?: string;
  }[];
}

const UNKNOWN_OPTION_REGEXP = /^error: unknown option '([^']+)'/;

/**
 * Adds to commander's `error: unknown option '-E'` the command it was given to
 * and the commands that have the option. The short flags, kept from the
 * Python tool, mean different things in different commands (`-e` is `--end`
 * in harvest and `--es_host` in load_episodes), so a flag given to the wrong
 * command should say where it belongs:
 * `error: unknown option '-E' for 'harvest': it belongs to load_episodes, as
 * --engage_host; harvest spells that -H, --engage_host`.
 *
 * @param message Commander's error text; other errors are returned as they are.
 * @param command The command the flag was given to.
 * @param commands Every command with its options.
 * @returns The message with the explanation.
 */
export function explainUnknownOption(
  message: string,
  command: string,
  commands: readonly CommandFlags[],
): string {
  const match = UNKNOWN_OPTION_REGEXP.exec(message);
  if (!match) return message;
  // `--flag=value` arrives whole; `_` and `-` spell the same long option.
  const flag = spelling(match[1]!.split("=")[0]!);
  const meanings = new Map<string, string[]>();
  for (const other of commands) {
    if (other.name === command) continue;
    const option = other.options.find((o) =>
      spelling(o.short) === flag || spelling(o.long) === flag
    );
    if (!option) continue;
    const meaning = option.long ?? option.short!;
    meanings.set(meaning, [...(meanings.get(meaning) ?? []), other.name]);
  }
  let explanation = "";
  if (meanings.size > 0) {
    const owners = [...meanings].map(([meaning, names]) =>
      spelling(meaning) === flag ? list(names) : `${list(names)}, as ${meaning}`
    );
    explanation = `: it belongs to ${owners.join("; ")}`;
    const here = commands.find((c) => c.name === command)?.options.find((o) =>
      [...meanings.keys()].some((m) => spelling(m) === spelling(o.long))
    );
    if (here?.long) {
      const flags = here.short ? `${here.short}, ${here.long}` : here.long;
      explanation += `; ${command} spells that ${flags}`;
    }
  }
  return message.replace(
    match[0],
    `${match[0]} for '${command}'${explanation}`,
  );
}

function spelling(flag: string | undefined): string | undefined {
  return flag?.startsWith("--") ? flag.replaceAll("_", "-") : flag;
}

function list(names: readonly string[]): string {
  return names.length < 2
    ? names.join("")
    : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
