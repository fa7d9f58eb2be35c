/**
 * Parses a command's flags in process as `main.ts` would, with a given
 * environment for the options bound to a variable (read from `env`, never
 * from the process environment, as `main()` does).
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { normalizeOptionSpelling } from "../../src/cli/normalize_option_spelling.ts";
import { readOptionsFromEnv } from "../../src/cli/read_options_from_env.ts";

/**
 * Parses `args` (after the command name) for `command` and returns its
 * options. Usage errors throw commander's `CommanderError` (nothing printed).
 *
 * @example
 * ```ts
 * const options = parseFlags(harvestCommand(context), ["-i", "9"], { SQS_QUEUE_NAME: "q" });
 * ```
 */
export function parseFlags<C extends CommandUnknownOpts>(
  command: C,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): ReturnType<C["opts"]> {
  command.exitOverride().configureOutput({
    writeOut: () => {},
    writeErr: () => {},
  }).action(() => {});
  const declared = command.options.flatMap((o) => o.long ? [o.long] : []);
  const program = new Command().exitOverride().addCommand(command);
  readOptionsFromEnv(program, env);
  program.parse(
    [command.name(), ...normalizeOptionSpelling(args, declared)],
    { from: "user" },
  );
  return command.opts() as ReturnType<C["opts"]>;
}
