/**
 * Parses a command's flags in process as `main.ts` would, with a given
 * environment for the options bound to a variable: commander reads those
 * from the process environment, so they are set for the parse and restored
 * after it (tests in one file run one at a time).
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { normalizeOptionSpelling } from "../../src/cli/normalize_option_spelling.ts";

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
  const bound = command.options.flatMap((o) => o.envVar ? [o.envVar] : []);
  const saved = new Map(bound.map((name) => [name, Deno.env.get(name)]));
  const set = (name: string, value: string | undefined) =>
    value === undefined ? Deno.env.delete(name) : Deno.env.set(name, value);
  try {
    for (const name of bound) set(name, env[name]);
    new Command().exitOverride().addCommand(command).parse(
      [command.name(), ...normalizeOptionSpelling(args, declared)],
      { from: "user" },
    );
  } finally {
    for (const [name, value] of saved) set(name, value);
  }
  return command.opts() as ReturnType<C["opts"]>;
}
