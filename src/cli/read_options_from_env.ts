import type { CommandUnknownOpts } from "@commander-js/extra-typings";

/**
 * Makes `command` and its subcommands take the values of options declared
 * with `.env(NAME)` from `env` instead of the process environment, with
 * commander's own rules: a value on the command line wins, a value from the
 * environment goes through the option's parser and choices, and a bad one is
 * reported as `… value 'x' from env 'NAME' is invalid`.
 *
 * Commander 14 reads `process.env` in its one private method
 * `_parseOptionsEnv`; this replaces that method on each command with the same
 * loop over `env`. The version is pinned in `deno.json`; the in-process CLI
 * tests (`tests/cli/`) fail if an upgrade renames it, since their settings
 * come only from the environment they pass.
 *
 * @param command The program, its subcommands added.
 * @param env The environment the run reads (after `.env` was applied).
 */
export function readOptionsFromEnv(
  command: CommandUnknownOpts,
  env: Readonly<Record<string, string>>,
): void {
  const target = command as unknown as CommanderInternals;
  if (typeof target._parseOptionsEnv !== "function") {
    throw new Error(
      "Cannot read options from the environment: commander no longer has _parseOptionsEnv (check the version pinned in deno.json)",
    );
  }
  target._parseOptionsEnv = () => {
    for (const option of command.options) {
      const name = option.envVar;
      if (name === undefined || !Object.hasOwn(env, name)) continue;
      const key = option.attributeName();
      const source = command.getOptionValueSource(key);
      // Never over a value from the command line or set by code.
      if (
        command.getOptionValue(key) !== undefined &&
        !["default", "config", "env"].includes(source ?? "")
      ) {
        continue;
      }
      if (option.required || option.optional) {
        target.emit(`optionEnv:${option.name()}`, env[name]);
      } else {
        // A boolean flag: set by the variable's presence, as commander does.
        target.emit(`optionEnv:${option.name()}`);
      }
    }
  };
  for (const sub of command.commands) readOptionsFromEnv(sub, env);
}

/** What commander's `Command` has and its typings leave out. */
interface CommanderInternals {
  _parseOptionsEnv: () => void;
  /** From Node's `EventEmitter`, which `Command` extends. */
  emit(event: string, ...args: unknown[]): boolean;
}
